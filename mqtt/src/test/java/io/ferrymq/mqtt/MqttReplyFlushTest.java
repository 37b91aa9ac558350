package io.ferrymq.mqtt;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.ferrymq.transport.testing.FlushCounter;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUBACKs, PUBCOMPs and the other replies are written without a flush each and flushed once per read batch or
 * batch of completions: a burst still gets every reply, in order, in far fewer flushes. The flushes are counted
 * between the MQTT connection handler and the encoder, so the count is the handler's, not the socket's.
 */
class MqttReplyFlushTest {

    private static final Logger LOG = LoggerFactory.getLogger(MqttReplyFlushTest.class);
    private static final int BURST = 200;

    private final FlushCounter counter = new FlushCounter();

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> counter.around(new MqttProtocol(b, MqttSettings.defaults()), "mqtt"))
            .tcp("mqtt", MqttProtocol.NAME)
            .build();

    /** QoS 1 PUBLISHes with packet ids 1..BURST, as one write. */
    private static byte[] publishBurst(String topic) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        for (int id = 1; id <= BURST; id++) {
            byte[] payload = ("message " + id).getBytes(StandardCharsets.UTF_8);
            int remaining = 2 + name.length + 2 + payload.length;
            out.write(0x32);
            out.write(remaining);
            out.write(name.length >> 8);
            out.write(name.length);
            out.writeBytes(name);
            out.write(id >> 8);
            out.write(id);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    @Test
    void aBurstOfQos1PublishesGetsEveryPubackInOrder() throws Exception {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.connect(MqttVersion.MQTT_3_1_1, "acked-burst", true, null);
            int before = counter.flushes();
            c.sendBytes(publishBurst("burst/acked"));
            List<Integer> acked = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                acked.add(RawMqttClient.packetId(c.expect(MqttMessageType.PUBACK)));
            }
            List<Integer> expected = new ArrayList<>();
            for (int id = 1; id <= BURST; id++) {
                expected.add(id);
            }
            assertThat(acked).isEqualTo(expected);
            LOG.info("{} QoS 1 PUBLISHes (each completing on its own): {} flushes by the MQTT handler", BURST,
                    counter.flushes() - before);
        }
    }

    @Test
    void repliesWrittenWhileReadingAreFlushedOncePerReadBatch() throws Exception {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.connect(MqttVersion.MQTT_3_1_1, "released-burst", true, null);
            int flushesBefore = counter.flushes();
            int readsBefore = counter.readBatches();
            // PUBRELs, each answered with a PUBCOMP as it is read (3.1.1 completes even an unknown packet id).
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int id = 1; id <= BURST; id++) {
                burst.writeBytes(new byte[] {0x62, 0x02, (byte) (id >> 8), (byte) id});
            }
            c.sendBytes(burst.toByteArray());
            for (int id = 1; id <= BURST; id++) {
                assertThat(RawMqttClient.packetId(c.expect(MqttMessageType.PUBCOMP))).isEqualTo(id);
            }
            int flushes = counter.flushes() - flushesBefore;
            int readBatches = counter.readBatches() - readsBefore;
            LOG.info("{} PUBRELs: {} flushes by the MQTT handler over {} read batches", BURST, flushes, readBatches);
            assertThat(flushes).as("flushes of %s PUBCOMPs read in %s batches", BURST, readBatches)
                    .isLessThanOrEqualTo(readBatches);
        }
    }
}
