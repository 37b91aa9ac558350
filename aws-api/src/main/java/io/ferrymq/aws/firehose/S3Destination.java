package io.ferrymq.aws.firehose;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Writes each batch as one object, its records concatenated as they came (as Firehose does for S3). */
final class S3Destination implements Destination {

    private final S3Target target;
    private final String stream;
    private final int version;
    private final Executor blocking;

    S3Destination(S3Target target, String stream, int version, Executor blocking) {
        this.target = target;
        this.stream = stream;
        this.version = version;
        this.blocking = blocking;
    }

    @Override
    public Buffering buffering() {
        return target.buffering();
    }

    @Override
    public CompletableFuture<Void> deliver(List<BufferedRecord> batch) {
        return CompletableFuture.runAsync(() -> write(target, target.prefix(), stream, version, batch), blocking);
    }

    /** Writes the records of a batch as one object under {@code prefix}. */
    static void write(S3Target target, String prefix, String stream, int version, List<BufferedRecord> batch) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (BufferedRecord r : batch) {
            content.writeBytes(r.data());
        }
        String key = ObjectWriter.key(prefix, stream, version, batch.get(0).arrivalMillis(), target.extension());
        ObjectWriter.write(target.directory(), key, content.toByteArray(), target.compression().equals("GZIP"));
    }
}
