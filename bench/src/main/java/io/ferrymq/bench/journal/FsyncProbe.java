package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencyRecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Measures how many "write a small record, then fsync" round trips one thread gets out of the disk: the
 * ceiling for a store that fsyncs once per message. The sync is {@code FileChannel.force(false)}
 * (fdatasync), the call the journal makes.
 */
public final class FsyncProbe {

    /** How the probe's file is laid out. */
    public enum Mode {
        /**
         * Writes into a file zero-filled beforehand, as the journal's segments are: the fsync never has
         * to update the file's size.
         */
        PREALLOCATED("preallocated file"),
        /** Appends to an empty file: every fsync also commits the new file size. */
        APPENDING("appending to a file");

        private final String description;

        Mode(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final long PREALLOCATED_SIZE = 64L * 1024 * 1024;

    private FsyncProbe() {
    }

    /**
     * Runs the loop for {@code warmup}, then counts it for {@code duration}.
     *
     * @param recordSize bytes written before each fsync
     */
    public static FsyncRate measure(Path dir, Mode mode, int round, int recordSize, Duration warmup,
            Duration duration)
            throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "fsync-probe-", ".dat");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            long limit = Long.MAX_VALUE;
            if (mode == Mode.PREALLOCATED) {
                zeroFill(ch, PREALLOCATED_SIZE);
                limit = PREALLOCATED_SIZE;
            }
            ByteBuffer record = ByteBuffer.allocateDirect(recordSize);
            for (int i = 0; i < recordSize; i++) {
                record.put((byte) ('a' + i % 26));
            }
            long position = 0;
            long warmupEnd = System.nanoTime() + warmup.toNanos();
            while (System.nanoTime() < warmupEnd) {
                position = writeAndSync(ch, record, position, limit);
            }
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long syncs = 0;
            long now = start;
            LatencyRecorder latency = new LatencyRecorder();
            while (now < end) {
                position = writeAndSync(ch, record, position, limit);
                syncs++;
                long before = now;
                now = System.nanoTime();
                latency.recordNanos(now - before);
            }
            return new FsyncRate(mode, round, syncs, (now - start) / 1e9, latency.total());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long writeAndSync(FileChannel ch, ByteBuffer record, long position, long limit) throws IOException {
        long at = position + record.capacity() > limit ? 0 : position;
        record.clear();
        while (record.hasRemaining()) {
            at += ch.write(record, at);
        }
        ch.force(false);
        return at;
    }

    private static void zeroFill(FileChannel ch, long size) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long written = 0;
        while (written < size) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
            written += ch.write(zeros, written);
        }
        ch.force(true);
    }
}
