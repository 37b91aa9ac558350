package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * OpenWire (ActiveMQ's JMS protocol, versions 1-12) as a transport protocol: recognised by the client's first
 * command, a size-prefixed WireFormatInfo (type 1) that starts with the magic {@code ActiveMQ}.
 */
public final class OpenwireProtocol implements ProtocolModule {

    public static final String NAME = "openwire";
    private static final byte[] MAGIC = "ActiveMQ".getBytes(StandardCharsets.US_ASCII);
    /** The size prefix (4 bytes), the command type, then the magic. */
    private static final int TYPE_OFFSET = 4;
    private static final byte WIRE_FORMAT_INFO = 1;

    private final Broker broker;
    private final OpenwireSettings settings;
    /** Temporary queues of every OpenWire connection, so that a reply to one reaches it from any connection. */
    private final TempDestinations tempDestinations = new TempDestinations();
    /** The sends of failover producers already stored, so that their repeats after a reconnect are not. */
    private ProducerAudit producerAudit;
    /** The advisory topics of every OpenWire connection's connections, consumers, producers and destinations. */
    private final Advisories advisories = new Advisories();

    public OpenwireProtocol(Broker broker, OpenwireSettings settings) {
        this.broker = broker;
        this.settings = settings;
        broker.onMessageEvent(new MessageAdvisories(advisories, tempDestinations));
        broker.onConsumerEvent(new ForeignConsumerAdvisories(advisories));
    }

    /** Read from the broker's state when the first connection needs it. */
    private synchronized ProducerAudit producerAudit() {
        if (producerAudit == null) {
            producerAudit = new ProducerAudit(broker.stateStore(ProducerAudit.NAMESPACE));
        }
        return producerAudit;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available > TYPE_OFFSET && in.getByte(start + TYPE_OFFSET) != WIRE_FORMAT_INFO) {
            return Detection.NO_MATCH;
        }
        int checked = Math.min(available - TYPE_OFFSET - 1, MAGIC.length);
        for (int i = 0; i < checked; i++) {
            if (in.getByte(start + TYPE_OFFSET + 1 + i) != MAGIC[i]) {
                return Detection.NO_MATCH;
            }
        }
        return checked == MAGIC.length ? Detection.MATCH : Detection.NEED_MORE;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of("openwire");
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        OpenwireCodec codec = new OpenwireCodec(settings);
        channel.pipeline().addLast("openwire-codec", codec);
        channel.pipeline().addLast("openwire", new OpenwireConnection(broker, settings, context, codec, tempDestinations,
                producerAudit(), advisories));
    }
}
