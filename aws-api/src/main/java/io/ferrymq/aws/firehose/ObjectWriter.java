package io.ferrymq.aws.firehose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes objects into a bucket's directory under S3 keys as Firehose names them:
 * {@code <prefix>YYYY/MM/dd/HH/<stream>-<version>-YYYY-MM-dd-HH-mm-ss-<uuid><extension>} (UTC). An object
 * appears whole or not at all (written aside, synced, then renamed), so a crash leaves no torn object.
 */
final class ObjectWriter {

    private static final DateTimeFormatter PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);

    private ObjectWriter() {
    }

    /** The key of an object whose first record arrived at {@code millis}. */
    static String key(String prefix, String stream, int version, long millis, String extension) {
        Instant t = Instant.ofEpochMilli(millis);
        return prefix + PATH.format(t) + stream + "-" + version + "-" + STAMP.format(t) + "-" + UUID.randomUUID()
                + extension;
    }

    /** Writes {@code content} (gzipped when asked) as the object {@code key} of the bucket in {@code dir}. */
    static Path write(Path dir, String key, byte[] content, boolean gzip) {
        Path target = dir.resolve(key).normalize();
        if (!target.startsWith(dir.normalize())) {
            throw new IllegalArgumentException("object key " + key + " leaves the bucket directory");
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + ".writing");
            byte[] bytes = gzip ? gzip(content) : content;
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.length / 4));
        try (OutputStream z = new GZIPOutputStream(out)) {
            z.write(content);
        }
        return out.toByteArray();
    }
}
