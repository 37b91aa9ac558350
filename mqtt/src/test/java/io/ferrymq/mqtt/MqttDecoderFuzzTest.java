package io.ferrymq.mqtt;

import io.ferrymq.core.testing.DecoderProbe;
import io.ferrymq.core.testing.FuzzInputs;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged and random MQTT 3.1.1 and 5 sessions through the decoder pipeline FerryMQ builds (Netty's
 * {@link MqttDecoder} with the module's limits) and through the port-unification check of
 * {@link MqttProtocol#detect}: the decoder hands on packets or a failed decoder result whose cause is one
 * of the codec's own exceptions (which {@code MqttConnection.decodingFailed} answers), never throws into
 * the pipeline, never hangs, never allocates what a remaining-length field claims. The connection
 * handler's answer to the same inputs is fuzzed over sockets by the tests module's
 * {@code ListenerSocketFuzzTest}. Tries: {@code -Dfuzz.tries=N} (jqwik's {@code jqwik.tries.default}).
 */
class MqttDecoderFuzzTest {

    private static final int MAX_PACKET = 4096;
    private static final DecoderProbe PROBE = new DecoderProbe(Duration.ofSeconds(10));

    static final byte[] CONNECT_311 = packet(0x10, str("MQTT"), bytes(4, 0xC2, 0, 60), str("c1"), str("guest"),
            str("guest"));
    static final byte[] CONNECT_5 = packet(0x10, str("MQTT"), bytes(5, 0xC6, 0, 60),
            bytes(8, 0x11, 0, 0, 0, 10, 0x21, 0, 16), str("c5"), str("guest"), str("guest"));
    private static final byte[] CONNECT_5_WILL = packet(0x10, str("MQTT"), bytes(5, 0xEE, 0, 60), bytes(0), str("w5"),
            bytes(5, 0x18, 0, 0, 0, 1), str("will/t"), str("bye"), str("guest"), str("guest"));

    private static final List<byte[]> SEEDS = List.of(
            concat(CONNECT_311,
                    packet(0x32, str("a/b/c"), bytes(0, 1), "hello".getBytes(StandardCharsets.UTF_8)),
                    packet(0x34, str("a/b"), bytes(0, 2), "two".getBytes(StandardCharsets.UTF_8)),
                    packet(0x62, bytes(0, 2)),
                    packet(0x82, bytes(0, 3), str("a/#"), bytes(1), str("+/x"), bytes(2)),
                    packet(0xA2, bytes(0, 4), str("a/#")),
                    packet(0x40, bytes(0, 1)), packet(0x50, bytes(0, 2)), packet(0x70, bytes(0, 2)),
                    packet(0xC0), packet(0xE0)),
            concat(CONNECT_5,
                    packet(0x32, str("t/5"), bytes(0, 1), bytes(13, 0x01, 1, 0x23, 0, 5, 0x08, 0, 3, 'r', '/', 't',
                            0x02, 0, 0, 0, 0), "v5".getBytes(StandardCharsets.UTF_8)),
                    packet(0x82, bytes(0, 3), bytes(2, 0x0B, 7), str("s/+"), bytes(0x2E)),
                    packet(0x62, bytes(0, 2, 0, 0)),
                    packet(0xA2, bytes(0, 4), bytes(0), str("s/+")),
                    packet(0xF0, bytes(0x18, 0)),
                    packet(0xE0, bytes(0x04, 0))),
            concat(CONNECT_5_WILL, packet(0xC0)));

    private static EmbeddedBrokerExtension broker;
    private static MqttProtocol detector;

    @BeforeContainer
    static void startBroker() {
        // jqwik runs no JUnit extensions: the broker is started and closed by hand.
        broker = EmbeddedBrokerExtension.builder()
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
                .tcp("mqtt", MqttProtocol.NAME)
                .build()
                .start();
        detector = new MqttProtocol(broker.broker(), MqttSettings.defaults());
    }

    @AfterContainer
    static void stop() {
        PROBE.close();
        detector.close();
        broker.close();
    }

    @Provide
    Arbitrary<byte[]> sessions() {
        return FuzzInputs.anyInput(SEEDS, 1024);
    }

    @Provide
    Arbitrary<Integer> chunks() {
        return FuzzInputs.chunkSizes();
    }

    @Property
    void decoderHandsOnPacketsOrItsOwnFailures(@ForAll("sessions") byte[] input, @ForAll("chunks") int chunk) {
        String shown = HexFormat.of().formatHex(input);
        List<Throwable> thrown = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new MqttDecoder(MAX_PACKET, 65_535), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                thrown.add(cause);
            }
        });
        List<Object> out = new ArrayList<>();
        try {
            PROBE.run(shown, DecoderProbe.proportionalTo(input.length), () -> {
                for (int off = 0; off < input.length; off += chunk) {
                    int end = (int) Math.min((long) off + chunk, input.length);
                    ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, off, end)));
                    for (Object m; (m = ch.readInbound()) != null; ) {
                        out.add(m);
                    }
                }
            });
            assertThat(thrown).as("exceptions thrown into the pipeline on %s", shown).isEmpty();
            for (Object o : out) {
                assertThat(o).as("decoded on %s", shown).isInstanceOf(MqttMessage.class);
                MqttMessage m = (MqttMessage) o;
                if (m.decoderResult().isFailure()) {
                    assertThat(m.decoderResult().cause()).as("failure cause on %s", shown).isInstanceOfAny(
                            DecoderException.class, IllegalArgumentException.class,
                            MqttUnacceptableProtocolVersionException.class, MqttIdentifierRejectedException.class);
                } else if (m.payload() instanceof ByteBuf payload) {
                    assertThat(payload.readableBytes()).as("payload on %s", shown).isLessThanOrEqualTo(MAX_PACKET);
                }
            }
        } finally {
            out.forEach(ReferenceCountUtil::release);
            ch.finishAndReleaseAll();
        }
    }

    @Property
    void portUnificationAnswersEveryPrefix(@ForAll("sessions") byte[] input) {
        MqttProtocol protocol = detector;
        String shown = HexFormat.of().formatHex(input);
        for (int len = 0; len <= Math.min(input.length, 16); len++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(input, 0, len);
            int readerIndex = prefix.readerIndex();
            ProtocolModule.Detection d = protocol.detect(prefix);
            assertThat(d).as("detection of %d bytes of %s", len, shown).isNotNull();
            assertThat(prefix.readerIndex()).as("detection must not consume").isEqualTo(readerIndex);
        }
    }

    static byte[] packet(int header, byte[]... parts) {
        byte[] body = concat(parts);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int len = body.length;
        do {
            int digit = len % 128;
            len /= 128;
            out.write(len > 0 ? digit | 0x80 : digit);
        } while (len > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(bytes(b.length >> 8, b.length & 0xff), b);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
