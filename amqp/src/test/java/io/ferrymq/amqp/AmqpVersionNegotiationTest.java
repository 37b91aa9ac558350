package io.ferrymq.amqp;

import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client asking for an AMQP version the broker does not serve (0-9-1 here) gets the AMQP 1.0 protocol header
 * and a close, as AMQP's version negotiation asks: both on a port that serves only AMQP and on a port that tells
 * protocols apart by their first bytes.
 */
class AmqpVersionNegotiationTest {

    private static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new AmqpProtocol(b, AmqpSettings.defaults()))
            .protocol(b -> new OtherProtocol())
            .tcp("amqp-only", AmqpProtocol.NAME)
            .tcp("unified", AmqpProtocol.NAME, OtherProtocol.NAME)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"amqp-only", "unified"})
    void amqp091HeaderIsAnsweredWithTheAmqp10HeaderAndAClose(String listener) throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port(listener))) {
            raw.write(AMQP_0_9_1);
            assertThat(raw.readHeader()).isEqualTo(RawAmqpClient.AMQP_HEADER);
            assertThat(raw.closedByBroker()).isTrue();
        }
        // AMQP 1.0 is still served on that port.
        try (RawAmqpClient raw = new RawAmqpClient(broker.port(listener))) {
            assertThat(raw.open("admin", "secret").getContainerId()).isEqualTo(AmqpConnection.BROKER_CONTAINER_ID);
        }
    }

    /** A second protocol on the unified port, so that the port sniffs; it never matches an AMQP header. */
    private static final class OtherProtocol implements ProtocolModule {

        static final String NAME = "other";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Detection detect(ByteBuf firstBytes) {
            return firstBytes.isReadable() && firstBytes.getByte(firstBytes.readerIndex()) == '#'
                    ? Detection.MATCH : Detection.NO_MATCH;
        }

        @Override
        public Set<String> websocketSubprotocols() {
            return Set.of();
        }

        @Override
        public void initChannel(Channel channel, ConnectionContext context) {
            channel.close();
        }
    }
}
