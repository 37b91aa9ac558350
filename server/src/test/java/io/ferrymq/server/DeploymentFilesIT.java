package io.ferrymq.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dist/docker/Dockerfile and dist/systemd/ferrymq.service against the unpacked tarball. No Docker engine runs
 * where these tests run, so the Dockerfile is read: every path its CMD and HEALTHCHECK use exists in the image it
 * would build (the tarball unpacked under /opt plus what it COPYs). The unit is checked by {@code systemd-analyze
 * verify}, which needs no running systemd, with /opt/ferrymq pointed at the unpacked tarball.
 */
@Tag("system")
class DeploymentFilesIT {

    @TempDir
    static Path work;
    static UnpackedDistribution dist;

    @BeforeAll
    static void unpack() throws Exception {
        dist = UnpackedDistribution.into(Files.createDirectories(work.resolve("unpacked")));
    }

    /** The Dockerfile's instructions in order, continuation lines joined. */
    private static List<String[]> instructions(String dockerfile) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String t = line.strip();
            if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            String[] kv = current.toString().split("\\s+", 2);
            out.add(new String[] {kv[0].toUpperCase(), kv.length > 1 ? kv[1] : ""});
            current.setLength(0);
        }
        return out;
    }

    private static List<String> execForm(String json) throws Exception {
        return new ObjectMapper().readValue(json, new TypeReference<List<String>>() { });
    }

    @Test
    void dockerfilePathsMatchTheTarballLayout() throws Exception {
        Path repo = UnpackedDistribution.repository();
        List<String[]> ins = instructions(UnpackedDistribution.read(repo.resolve("dist/docker/Dockerfile")));
        Map<String, String> args = new LinkedHashMap<>();
        // Where image paths come from: the image path prefix -> a local directory or file.
        Map<String, Path> image = new LinkedHashMap<>();
        Map<String, String> links = new LinkedHashMap<>();
        List<String> cmd = null;
        List<String> health = null;
        String user = null;
        String workdir = null;
        String volume = null;
        List<Integer> exposed = new ArrayList<>();
        for (String[] i : ins) {
            String value = i[1];
            for (Map.Entry<String, String> a : args.entrySet()) {
                value = value.replace("${" + a.getKey() + "}", a.getValue());
            }
            switch (i[0]) {
                case "FROM" -> assertThat(value).isEqualTo("eclipse-temurin:17-jre");
                case "ARG" -> {
                    String[] kv = value.split("=", 2);
                    args.put(kv[0], kv[1]);
                }
                case "ADD" -> {
                    String[] sd = value.split("\\s+");
                    assertThat(repo.resolve(sd[0]).normalize())
                            .isEqualTo(repo.resolve("server/target/ferrymq-" + dist.version() + ".tar.gz"));
                    assertThat(sd[1]).isEqualTo("/opt/");
                    image.put("/opt/" + dist.home().getFileName(), dist.home());
                }
                case "COPY" -> {
                    String[] sd = value.split("\\s+");
                    assertThat(repo.resolve(sd[0])).as("COPY source %s", sd[0]).isRegularFile();
                    image.put(sd[1], repo.resolve(sd[0]));
                }
                case "RUN" -> {
                    Matcher ln = Pattern.compile("ln -s (\\S+) (\\S+)").matcher(value);
                    if (ln.find()) {
                        links.put(ln.group(2), ln.group(1));
                    }
                }
                case "USER" -> user = value;
                case "WORKDIR" -> workdir = value;
                case "VOLUME" -> volume = execForm(value).get(0);
                case "EXPOSE" -> {
                    for (String p : value.split("\\s+")) {
                        exposed.add(Integer.parseInt(p));
                    }
                }
                case "HEALTHCHECK" -> health = execForm(value.substring(value.indexOf("CMD ") + 4));
                case "CMD" -> cmd = execForm(value);
                default -> { }
            }
        }
        assertThat(args).containsEntry("FERRYMQ_VERSION", dist.version());
        assertThat(user).isNotNull().isNotIn("root", "0");
        assertThat(resolve(image, links, workdir)).isEqualTo(dist.home());
        assertThat(cmd).isNotNull().startsWith("/opt/ferrymq/bin/ferrymq", "run", "--config");
        assertThat(resolve(image, links, cmd.get(0))).isExecutable();
        Path config = resolve(image, links, cmd.get(cmd.indexOf("--config") + 1));
        assertThat(config).as("the CMD's --config in the image").isRegularFile();
        assertThat(health).isNotNull();
        assertThat(resolve(image, links, health.get(0))).isExecutable();

        // The container's configuration is valid, keeps its data on the volume and listens on what is exposed.
        FerryConfig c = new ConfigLoader().load(config);
        assertThat(c.storage().dataDir()).isEqualTo(volume);
        List<Integer> ports = c.listeners().stream().map(FerryConfig.Listener::port).toList();
        assertThat(exposed).containsExactlyInAnyOrderElementsOf(ports);
        assertThat(c.listeners()).allSatisfy(l -> assertThat(l.host()).isEqualTo("0.0.0.0"));
        FerryConfig.Listener management = c.listeners().stream()
                .filter(l -> l.protocols().contains("management")).findFirst().orElseThrow();
        assertThat(health).contains("status").contains("http://127.0.0.1:" + management.port());
    }

    /** The local file an absolute image path stands for: symbolic links followed, then the longest image prefix. */
    private static Path resolve(Map<String, Path> image, Map<String, String> links, String imagePath) {
        for (Map.Entry<String, String> link : links.entrySet()) {
            if (imagePath.equals(link.getKey()) || imagePath.startsWith(link.getKey() + "/")) {
                imagePath = link.getValue() + imagePath.substring(link.getKey().length());
            }
        }
        String best = null;
        for (String prefix : image.keySet()) {
            if ((imagePath.equals(prefix) || imagePath.startsWith(prefix + "/"))
                    && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        assertThat(best).as("%s is not in the image built by the Dockerfile", imagePath).isNotNull();
        String rest = imagePath.substring(best.length());
        return rest.isEmpty() ? image.get(best) : image.get(best).resolve(rest.substring(1));
    }

    @Test
    void systemdUnitVerifiesAgainstTheUnpackedTarball() throws Exception {
        String unit = UnpackedDistribution.read(UnpackedDistribution.repository().resolve("dist/systemd/ferrymq.service"));
        assertThat(unit).containsPattern("(?m)^Type=(simple|notify)$").contains("\nUser=ferrymq\n")
                .containsPattern("(?m)^LimitNOFILE=\\d+$").contains("\nRestart=on-failure\n");
        Matcher exec = Pattern.compile("(?m)^ExecStart=/opt/ferrymq/(\\S+) run --config /opt/ferrymq/(\\S+)$")
                .matcher(unit);
        assertThat(exec.find()).as("ExecStart runs bin/ferrymq run with a config under /opt/ferrymq").isTrue();
        assertThat(dist.resolve(exec.group(1))).isExecutable();
        assertThat(dist.resolve(exec.group(2))).isRegularFile();

        Path local = work.resolve("ferrymq.service");
        Files.writeString(local, unit.replace("/opt/ferrymq", dist.home().toString()));
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assertThat(analyze).as("systemd-analyze (Debian's systemd package, see bin/run-tests)").isExecutable();
        Process p = new ProcessBuilder(analyze.toString(), "verify", local.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // verify reports unknown keys and bad values as warnings with exit code 0: any output is a failure.
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).isEmpty();
    }
}
