package io.ferrymq.stomp;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One topic message of {@code bodyLength} bytes with the load generator's three properties delivered as STOMP 1.2 MESSAGE frames to
 * {@code subscribers} client-ack subscriptions, from the core's {@link Delivery} to the bytes on the wire, as
 * {@link StompSubscriptions#deliver} makes them ({@link StompMessageFrames}: the message's part encoded once and
 * shared from its second delivery). One operation is the whole fan-out of one fresh message; the wire bytes are
 * released at once, as the socket would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StompDeliveryEncodeBenchmark {

    @Param({"1", "10", "100"})
    int subscribers;

    @Param({"1024", "16384"})
    int bodyLength;

    private byte[] body;
    private StompSubscription[] subscriptions;
    private long nextId;
    private long nextAckId;

    @Setup
    public void setUp() {
        body = new byte[bodyLength];
        Arrays.fill(body, (byte) 'x');
        subscriptions = new StompSubscription[subscribers];
        for (int i = 0; i < subscribers; i++) {
            subscriptions[i] = new StompSubscription("sub-" + i, AckMode.CLIENT_INDIVIDUAL, null, null, 1000);
        }
    }

    @Benchmark
    public int deliver() {
        long id = ++nextId;
        Message m = Message.builder().id(id).address("amq.topic").routingKey("bench.fanout").durable(false)
                .timestamp(1_765_000_000_000L).body(body)
                .property("bench_producer", "3").property("bench_seq", Long.toString(id))
                .property("bench_sent", "987654321012345").build();
        Delivery d = new Delivery(null, 0, m, 1, false, null, 0);
        int bytes = 0;
        for (int i = 0; i < subscribers; i++) {
            String ackId = Long.toString(++nextAckId);
            ByteBuf out = StompMessageFrames.encode(ByteBufAllocator.DEFAULT, d, subscriptions[i], ackId, true,
                    StompVersion.V1_2);
            bytes += out.readableBytes();
            out.release();
        }
        return bytes;
    }
}
