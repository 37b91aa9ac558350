package io.ferrymq.bench.jmh;

import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompFrameDecoder;
import io.ferrymq.stomp.codec.StompFrameEncoder;
import io.ferrymq.stomp.codec.StompLimits;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The STOMP codec on a Netty pipeline (an embedded channel, so no socket): decoding the SEND frames a
 * producer writes, encoding the MESSAGE frames a consumer reads and the RECEIPTs a producer reads, STOMP 1.2 with
 * header escaping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StompCodecBenchmark {

    @Param({"1024"})
    int bodySize;

    private EmbeddedChannel decoding;
    private EmbeddedChannel encoding;
    private ByteBuf sendFrame;
    private StompFrame messageFrame;
    private StompFrame receiptFrame;

    @Setup
    public void setUp() {
        StompFrameDecoder decoder = new StompFrameDecoder(StompLimits.defaults());
        decoder.version(StompVersion.V1_2);
        decoding = new EmbeddedChannel(decoder);
        StompFrameEncoder encoder = new StompFrameEncoder();
        encoder.version(StompVersion.V1_2);
        encoding = new EmbeddedChannel(encoder);

        byte[] body = new byte[bodySize];
        Arrays.fill(body, (byte) 'x');
        String head = "SEND\ndestination:/queue/orders\npersistent:true\nreceipt:s-1234\nbench_producer:3\n"
                + "bench_seq:1234567\nbench_sent:987654321012345\ncontent-length:" + bodySize + "\n\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] wire = Arrays.copyOf(h, h.length + bodySize + 1);
        System.arraycopy(body, 0, wire, h.length, bodySize);
        sendFrame = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(wire));
        messageFrame = StompFrame.builder("MESSAGE").header("subscription", "0").header("message-id", "ID:42-1234567")
                .header("destination", "/queue/orders").header("ack", "ID:42-1234567").header("persistent", "true")
                .header("bench_producer", "3").header("bench_seq", "1234567").header("bench_sent", "987654321012345")
                .body(body).build();
        receiptFrame = StompFrame.of("RECEIPT", null, "receipt-id", "s-1234");
    }

    @TearDown
    public void tearDown() {
        decoding.finishAndReleaseAll();
        encoding.finishAndReleaseAll();
    }

    @Benchmark
    public Object decodeSend() {
        decoding.writeInbound(sendFrame.duplicate());
        return decoding.readInbound();
    }

    @Benchmark
    public int encodeMessage() {
        encoding.writeOutbound(messageFrame);
        ByteBuf out = encoding.readOutbound();
        int n = out.readableBytes();
        out.release();
        return n;
    }

    /** The small frame a producer gets for every receipted SEND. */
    @Benchmark
    public int encodeReceipt() {
        encoding.writeOutbound(receiptFrame);
        ByteBuf out = encoding.readOutbound();
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
