package io.ferrymq.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferrymq-<version>.tar.gz} as the build made it (the system profile runs these tests after
 * {@code package}), unpacked into an empty directory.
 */
record UnpackedDistribution(String version, Path home) {

    /** The pom's version and the tarball's path, given by the failsafe configuration of server/pom.xml. */
    static String expectedVersion() {
        String v = System.getProperty("ferrymq.version");
        assertThat(v).as("ferrymq.version (set by server/pom.xml's failsafe configuration)").isNotBlank();
        return v;
    }

    static UnpackedDistribution into(Path emptyDir) throws IOException, InterruptedException {
        String version = expectedVersion();
        Path tarball = Path.of(System.getProperty("ferrymq.tarball",
                "target/ferrymq-" + version + ".tar.gz")).toAbsolutePath();
        assertThat(tarball).as("the distribution (mvn -Psystem -pl server -am verify builds it)").isRegularFile();
        assertThat(emptyDir).isEmptyDirectory();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", emptyDir.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        Path home = emptyDir.resolve("ferrymq-" + version);
        assertThat(home).isDirectory();
        return new UnpackedDistribution(version, home);
    }

    Path resolve(String relative) {
        return home.resolve(relative);
    }

    /** The repository's root (server/'s parent), where dist/ and conf/ are. */
    static Path repository() {
        return Path.of("..").toAbsolutePath().normalize();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
