package io.ferrymq.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ferrymq tls}: certificates for the TLS listeners. */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "TLS certificates.",
        subcommands = {TlsCommand.SelfSigned.class})
final class TlsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Writes a local CA (ca.pem) and a server certificate signed by it (server.pem, server.key) "
                    + "for trying TLS on this machine: run the broker with --config conf/examples/tls.yaml and give "
                    + "clients ca.pem to trust.")
    static final class SelfSigned implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "conf/tls",
                description = "where the files go (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--name", paramLabel = "NAME", split = ",", defaultValue = "localhost,127.0.0.1",
                description = "DNS names and IP addresses the server certificate is valid for (default: ${DEFAULT-VALUE})")
        List<String> names;

        @Option(names = "--days", defaultValue = "365", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--force", description = "replace existing files")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (days <= 0) {
                spec.commandLine().getErr().println("ferrymq tls self-signed: --days must be positive");
                return 2;
            }
            try {
                SelfSignedTls.write(dir, names, Duration.ofDays(days), force);
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("ferrymq tls self-signed: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                spec.commandLine().getErr().println("ferrymq tls self-signed: cannot write to " + dir + ": " + e);
                return 1;
            }
            out.println("Wrote " + dir.resolve("ca.pem") + " (trust this in clients), " + dir.resolve("ca.key")
                    + " (keep private), " + dir.resolve("server.pem") + " and " + dir.resolve("server.key")
                    + " for " + String.join(", ", names) + ", valid " + days + " days.");
            out.println("Start the broker with TLS: bin/ferrymq run --config conf/examples/tls.yaml");
            return 0;
        }
    }
}
