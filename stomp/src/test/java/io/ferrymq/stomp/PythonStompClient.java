package io.ferrymq.stomp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs scenarios of {@code stomp_scenarios.py} with Debian's python3-stomp. Debian's packages live under
 * {@code /usr/bin/python3}, which a pyenv {@code python3} on the PATH cannot see. CI installs the package
 * ({@code .ci/run}); a machine without it fails these tests with instructions, never skips them.
 */
final class PythonStompClient {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private PythonStompClient() {
    }

    static JsonNode run(String scenario, int port) throws IOException, InterruptedException, URISyntaxException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install Debian's python3 and python3-stomp"
                    + " (see .ci/run)");
        }
        Path script = Path.of(PythonStompClient.class.getResource("/python/stomp_scenarios.py").toURI());
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), scenario, Integer.toString(port))
                .redirectErrorStream(false).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python scenario '" + scenario + "' did not finish within 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (err.contains("No module named 'stomp'")) {
            throw new AssertionError("python3-stomp is not installed: apt-get install python3-stomp (see .ci/run)");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("python scenario '" + scenario + "' failed (exit " + p.exitValue() + "):\n" + err);
        }
        return new ObjectMapper().readTree(out);
    }
}
