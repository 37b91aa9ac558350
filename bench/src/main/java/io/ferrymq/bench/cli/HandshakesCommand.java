package io.ferrymq.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.driver.TlsTrust;
import io.ferrymq.bench.stats.ProcessCpu;
import io.ferrymq.bench.tls.HandshakeBench;
import io.ferrymq.bench.tls.HandshakeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench handshakes}: TLS handshakes per second against one TLS listener. */
@Command(name = "handshakes", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"TLS handshakes in a loop from N threads against a STOMP TLS listener (connect, handshake, "
                + "STOMP CONNECT and CONNECTED, close); reports handshakes/s and, with --broker-pid, the broker's "
                + "CPU time per handshake.",
                "Without --resumption every handshake is a full one; with it the client offers its last session."})
final class HandshakesCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = {"-H", "--host"}, defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-P", "--port"}, required = true, description = "A STOMP TLS listener's port.")
    int port;

    @Option(names = "--tls-ca", required = true, paramLabel = "PEM", description = "The CA to trust (e.g. conf/tls/ca.pem).")
    Path ca;

    @Option(names = {"-u", "--user"}, defaultValue = "guest", description = "STOMP login (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = {"-p", "--password"}, defaultValue = "guest",
            description = "STOMP passcode (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--tls-version", defaultValue = "TLSv1.3",
            description = "TLSv1.3 or TLSv1.2 (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = {"-n", "--threads"}, defaultValue = "4", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--resumption", negatable = true, description = "Resume sessions (default: no, full handshakes).")
    boolean resumption;

    @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
            description = "Unmeasured warm-up (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-t", "--duration"}, defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--broker-pid", description = "The broker's process id, to report its CPU time per handshake.")
    Long brokerPid;

    @Override
    public Integer call() throws Exception {
        if (!version.equals("TLSv1.3") && !version.equals("TLSv1.2")) {
            throw new IllegalArgumentException("--tls-version: TLSv1.3 or TLSv1.2, not " + version);
        }
        HandshakeBench bench = new HandshakeBench(new TlsTrust(ca).trustManagerFactory(),
                new InetSocketAddress(host, port), List.of(version), user, password);
        HandshakeResult r = bench.run(threads, resumption, warmup, duration,
                brokerPid == null ? OptionalLong.empty() : OptionalLong.of(brokerPid),
                () -> ProcessCpu.nanos(brokerPid));
        ObjectNode json = new ObjectMapper().valueToTree(r);
        if (output.label != null) {
            json.put("label", output.label);
        }
        output.emit(System.out, r.describe() + System.lineSeparator(), json);
        return r.handshakes() > 0 && r.failures() == 0 ? 0 : 1;
    }
}
