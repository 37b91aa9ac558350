package io.ferrymq.server;

import io.ferrymq.core.atrest.AtRestKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ferrymq keygen}: a key for encryption at rest (storage.encryption.key-file). */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Writes a random 256-bit key for encryption at rest (readable by its owner only), for "
                + "storage.encryption.key-file. Keep a copy somewhere safe: without it the journal, page files and "
                + "stream logs written with it cannot be read.")
final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "the key file to create")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        AtRestKey key;
        try {
            key = AtRestKey.generate(out);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("ferrymq keygen: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("ferrymq keygen: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println("Wrote a new at-rest key (key id " + key.idText() + ") to " + out
                + " (mode 0600).");
        spec.commandLine().getOut().println("Use it with:  storage: {encryption: {key-file: " + out + "}}");
        return 0;
    }
}
