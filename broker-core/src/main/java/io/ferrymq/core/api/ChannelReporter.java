package io.ferrymq.core.api;

import java.util.List;

/**
 * A {@link DeliverySink} whose connection multiplexes channels (AMQP 0-9-1 channels, AMQP 1.0 and OpenWire
 * sessions) over its one core session implements this so that the operator can list them. A sink that does not
 * is shown as one implicit channel (STOMP, MQTT). Read-only.
 */
public interface ChannelReporter {

    /** The connection's open channels, lowest number first. Called on the sink's {@link DeliverySink#executor()}. */
    List<ChannelInfo> channels();
}
