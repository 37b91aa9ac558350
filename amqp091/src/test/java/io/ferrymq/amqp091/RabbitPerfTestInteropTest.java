package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import com.rabbitmq.perf.PerfTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RabbitMQ PerfTest, run in-process (its {@code main} with options, so it neither exits the JVM nor needs a
 * jar of its own) against the broker: short runs that check it sends, receives and reports no error, and one
 * with persistent messages and publisher confirms where the consumer must get every message sent.
 */
class RabbitPerfTestInteropTest {

    private static final Pattern SENT = Pattern.compile("sending rate avg: (\\d+) msg/s");
    private static final Pattern RECEIVED = Pattern.compile("receiving rate avg: (\\d+) msg/s");

    private static EmbeddedAmqp091Broker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /**
     * What a PerfTest run printed, the exit code it asked for (-1 if none) and the errors its clients hit, less
     * those of PerfTest's own shutdown (a consumer acking on a connection PerfTest has just closed, the read loop
     * of a connection it closed locally): what remains is the broker's doing.
     */
    private record Run(String out, int exitCode, List<Throwable> errors) {
        Run {
            errors = errors.stream().filter(e -> !ownShutdown(e)).toList();
        }

        private static boolean ownShutdown(Throwable e) {
            if (e instanceof ShutdownSignalException s) {
                return s.isInitiatedByApplication();
            }
            return e instanceof SocketException && "Socket closed".equals(e.getMessage());
        }

        long rate(Pattern p) {
            Matcher m = p.matcher(out);
            assertThat(m.find()).as("PerfTest's summary in:\n%s", out).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    private static Run perfTest(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicInteger exit = new AtomicInteger(-1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        ForgivingExceptionHandler recording = new ForgivingExceptionHandler() {
            @Override
            protected void log(String message, Throwable e) {
                errors.add(e);
            }

            @Override
            public void handleConsumerException(Channel channel, Throwable e, Consumer consumer, String tag,
                                                String method) {
                errors.add(e);
            }

            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable e) {
                errors.add(e);
            }
        };
        String[] all = new String[args.length + 2];
        all[0] = "--uri";
        all[1] = "amqp://guest:guest@127.0.0.1:" + broker.port;
        System.arraycopy(args, 0, all, 2, args.length);
        PerfTest.main(all, new PerfTest.PerfTestOptions().setSystemExiter(exit::set)
                .setSkipSslContextConfiguration(true).setExceptionHandler(recording)
                .setConsoleOut(console).setConsoleErr(console));
        return new Run(bytes.toString(StandardCharsets.UTF_8), exit.get(), errors);
    }

    @Test
    void transientMessagesFlowFromTwoProducersToTwoConsumers() {
        // Each producer at 100 msg/s: unlimited producers on a busy 2-core build machine fill the queues faster
        // than the consumers drain them, and PerfTest then waits out its shutdown time for them.
        Run run = perfTest("-x", "2", "-y", "2", "-r", "100", "-z", "5");
        assertThat(run.errors()).as(run.out()).isEmpty();
        assertThat(run.exitCode()).as(run.out()).isIn(-1, 0);
        assertThat(run.rate(SENT)).as(run.out()).isPositive();
        assertThat(run.rate(RECEIVED)).as(run.out()).isPositive();
    }

    @Test
    void everyPersistentConfirmedMessageIsReceived() {
        // One producer and one consumer with a message limit each: the run ends when the consumer has them all,
        // or at the time limit if any were lost.
        Run run = perfTest("-x", "1", "-y", "1", "-f", "persistent", "-c", "10", "-C", "3000", "-D", "3000",
                "-z", "20");
        assertThat(run.errors()).as(run.out()).isEmpty();
        assertThat(run.exitCode()).as(run.out()).isIn(-1, 0);
        assertThat(run.out()).contains("reached message limit").doesNotContain("Reached time limit");
        assertThat(run.rate(SENT)).as(run.out()).isPositive();
        assertThat(run.rate(RECEIVED)).as(run.out()).isPositive();
    }
}
