package io.ferrymq.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios of {@code amqp_scenarios.py} with Debian's python3-qpid-proton. Debian's packages live under
 * {@code /usr/bin/python3}, which a pyenv {@code python3} on the PATH cannot see. CI installs the package
 * ({@code bin/run-tests}); a machine without it fails these tests with instructions, never skips them.
 */
final class PythonAmqpClient {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private PythonAmqpClient() {
    }

    static JsonNode run(String scenario, int port, String... args) throws IOException, InterruptedException,
            URISyntaxException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install Debian's python3 and python3-qpid-proton"
                    + " (see bin/run-tests)");
        }
        Path script = Path.of(PythonAmqpClient.class.getResource("/python/amqp_scenarios.py").toURI());
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), scenario,
                Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        // Both streams are read while the process runs, so a chatty script never blocks on a full pipe.
        CompletableFuture<String> out = slurp(p.getInputStream());
        CompletableFuture<String> err = slurp(p.getErrorStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python scenario '" + scenario + "' did not finish within 120 s");
        }
        String stderr = err.join();
        if (stderr.contains("No module named 'proton'")) {
            throw new AssertionError("python3-qpid-proton is not installed: apt-get install python3-qpid-proton"
                    + " (see bin/run-tests)");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("python scenario '" + scenario + "' failed (exit " + p.exitValue() + "):\n"
                    + stderr);
        }
        return new ObjectMapper().readTree(out.join());
    }

    private static CompletableFuture<String> slurp(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
    }
}
