package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT 3.1.1 QoS 1 PUBLISH of a 1 KiB message to {@code subscribers} like subscribers, as the outbound flow
 * writes them: {@link #perSubscriber} encodes each delivery with Netty's encoder, {@link #encodeOnce} goes
 * through {@link SharedPublish} (the first delivery encoded the ordinary way, every later one a copy of the
 * shared bytes with its packet id). One operation is the whole fan-out of one fresh message; the wire bytes are
 * released at once, as the socket would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MqttPublishEncodeBenchmark {

    @Param({"1", "10"})
    int subscribers;

    private static final String TOPIC = "bench/fanout/topic";
    private byte[] body;
    private EmbeddedChannel channel;
    private long nextId;

    @Setup
    public void setUp() {
        body = new byte[1024];
        Arrays.fill(body, (byte) 'x');
        channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION")).set(MqttVersion.MQTT_3_1_1);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    private Message message() {
        return Message.builder().id(++nextId).address("amq.topic").routingKey("bench.fanout.topic").body(body).build();
    }

    private int ordinary(Message m, int packetId) {
        channel.writeOutbound(new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPublishVariableHeader(TOPIC, packetId, MqttProperties.NO_PROPERTIES),
                Unpooled.wrappedBuffer(m.body())));
        ByteBuf out = channel.readOutbound();
        int n = out.readableBytes();
        out.release();
        return n;
    }

    @Benchmark
    public int perSubscriber() {
        Message m = message();
        int bytes = 0;
        for (int i = 1; i <= subscribers; i++) {
            bytes += ordinary(m, i);
        }
        return bytes;
    }

    @Benchmark
    public int encodeOnce() {
        Message m = message();
        SharedPublish.Shape shape = new SharedPublish.Shape(false, 1, false, TOPIC, List.of());
        int bytes = 0;
        for (int i = 1; i <= subscribers; i++) {
            SharedPublish shared = SharedPublish.forDelivery(m, shape);
            if (shared == null) {
                bytes += ordinary(m, i);
            } else {
                ByteBuf out = shared.packetFor(channel.alloc(), i);
                bytes += out.readableBytes();
                out.release();
            }
        }
        return bytes;
    }
}
