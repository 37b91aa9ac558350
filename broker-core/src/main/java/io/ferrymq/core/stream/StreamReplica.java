package io.ferrymq.core.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An HA standby's copy of the active's streams, in the layout a {@link StreamStore} recovers from on promotion.
 * It applies the active's {@link StreamChange}s as they come (records keep the offsets and arrival times the
 * active gave them, hence their sequence numbers) and takes a resync snapshot as plain records of each segment
 * file, written in this node's own layout. One thread uses it; changes are on disk after {@link #force()}.
 */
public final class StreamReplica implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamReplica.class);
    private static final long ROLL_MILLIS = 3_600_000;

    private final Path root;
    private final boolean fsync;
    private final long segmentBytes;
    /** The key this node's copies are encrypted with (its own storage.encryption); null for none. */
    private final io.ferrymq.core.atrest.AtRestKey key;
    /** By vhost and name. */
    private final Map<String, Stream> streams = new HashMap<>();
    private final Set<SegmentLog> touched = new LinkedHashSet<>();
    /** Segment files a resync is copying in sealed form, by file. */
    private final Map<Path, LogSegment> copying = new HashMap<>();

    private StreamReplica(Path root, boolean fsync, long segmentBytes, io.ferrymq.core.atrest.AtRestKey key) {
        this.key = key;
        this.root = root;
        this.fsync = fsync;
        this.segmentBytes = segmentBytes;
    }

    /** Opens the copy in {@code root} (created if needed), recovering what an earlier run left there. */
    public static StreamReplica open(Path root, boolean fsync) {
        return open(root, fsync, null);
    }

    /** Like {@link #open(Path, boolean)}, with the segments it writes encrypted with {@code key} (if not null). */
    public static StreamReplica open(Path root, boolean fsync, io.ferrymq.core.atrest.AtRestKey key) {
        StreamReplica r = new StreamReplica(root, fsync, StreamStoreOptions.DEFAULT_SEGMENT_BYTES, key);
        try {
            Files.createDirectories(root);
            r.reopen();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the stream copy in " + root + ": " + e.getMessage(), e);
        }
        return r;
    }

    private static String key(String vhost, String name) {
        return vhost + '\u0000' + name;
    }

    private Path dirOf(String vhost, String name) {
        return root.resolve(StreamStore.encode(vhost)).resolve(StreamStore.encode(name));
    }

    /** Applies one change of the active's streams (on disk after the next {@link #force()}). */
    public void apply(StreamChange change) throws IOException {
        if (change instanceof StreamChange.Defined d) {
            define(d.info());
        } else if (change instanceof StreamChange.Deleted d) {
            Stream s = streams.remove(key(d.vhost(), d.name()));
            if (s != null) {
                s.logs.values().forEach(l -> {
                    touched.remove(l);
                    l.close();
                });
            }
            deleteTree(dirOf(d.vhost(), d.name()));
        } else if (change instanceof StreamChange.Appended a) {
            Stream s = streams.get(key(a.vhost(), a.name()));
            SegmentLog log = s == null ? null : s.logs.get(a.shard());
            if (log == null) {
                throw new IllegalStateException("records for shard " + a.shard() + " of stream '" + a.name()
                        + "' in vhost '" + a.vhost() + "', which the copy does not hold");
            }
            log.appendCopies(a.records(), Math.max(1000, Math.min(s.info.retentionMillis(), ROLL_MILLIS)));
            touched.add(log);
        }
    }

    private void define(StreamInfo info) throws IOException {
        String k = key(info.vhost(), info.name());
        Stream s = streams.get(k);
        Path dir = dirOf(info.vhost(), info.name());
        if (s != null && s.info.createdMillis() != info.createdMillis()) {
            // A later stream of the same name: the earlier one's deletion was missed.
            apply(new StreamChange.Deleted(info.vhost(), info.name()));
            s = null;
        }
        if (s == null) {
            Files.createDirectories(dir);
            s = new Stream(dir, info);
            streams.put(k, s);
        }
        Set<Integer> kept = new HashSet<>();
        for (ShardInfo sh : info.shards()) {
            kept.add(sh.index());
            if (!s.logs.containsKey(sh.index())) {
                s.logs.put(sh.index(), SegmentLog.open(Stream.shardDir(dir, sh.index()), segmentBytes, fsync,
                        key));
            }
        }
        for (Integer gone : new HashSet<>(s.logs.keySet())) {
            if (!kept.contains(gone)) {
                SegmentLog log = s.logs.remove(gone);
                touched.remove(log);
                log.deleteAll();
                deleteTree(log.dir());
            }
        }
        s.info = info;
        StreamDefinitionFile.write(dir, info, fsync);
    }

    /** Before a resync: forgets every stream and deletes its files. */
    public void clear() throws IOException {
        closeLogs();
        try (var list = Files.list(root)) {
            for (Path p : list.toList()) {
                deleteTree(p);
            }
        }
    }

    /**
     * Writes whole records of a segment file as a resync copies it ({@link SegmentFileReader}): plain records at
     * {@code position} of the plain layout of the shard's segment starting at {@code baseOffset}, the chunks of
     * one file in order. With a key they are sealed with it as this node seals its own segments (never the
     * sender's sealed bytes); without one they go at that position of a plain file. The stream's definition
     * comes first; {@link #reopen()} reads the copied files once they are all there.
     */
    public void writeSegment(String vhost, String name, int shard, long baseOffset, long position, byte[] bytes)
            throws IOException {
        Path dir = Stream.shardDir(dirOf(vhost, name), shard);
        Files.createDirectories(dir);
        if (key != null) {
            writeSealed(dir, baseOffset, position, bytes);
            return;
        }
        try (FileChannel c = FileChannel.open(LogSegment.fileOf(dir, baseOffset), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = position;
            while (b.hasRemaining()) {
                at += c.write(b, at);
            }
            if (fsync) {
                c.force(false);
            }
        }
    }

    private void writeSealed(Path dir, long baseOffset, long position, byte[] bytes) throws IOException {
        Path file = LogSegment.fileOf(dir, baseOffset);
        LogSegment copy = copying.get(file);
        if (position == 0) {
            if (copy != null) {
                copy.close();
            }
            Files.deleteIfExists(file);
            copy = LogSegment.create(dir, baseOffset, key);
            copying.put(file, copy);
        } else if (copy == null) {
            throw new IOException("the copy of segment " + file + " continues at " + position + " but was never begun");
        }
        ByteBuffer plain = ByteBuffer.wrap(bytes);
        int n = 0;
        long[] relative = new long[16];
        long[] times = new long[16];
        for (int p = 0; p < bytes.length; p += RecordFormat.HEADER + plain.getInt(p)) {
            if (n == relative.length) {
                relative = java.util.Arrays.copyOf(relative, n * 2);
                times = java.util.Arrays.copyOf(times, n * 2);
            }
            relative[n] = p;
            times[n] = RecordFormat.arrivalAt(plain, p);
            n++;
        }
        copy.append(plain, relative, times, n);
        if (fsync) {
            copy.force();
        }
    }

    /** Opens every stream on disk again, reading its segment files (after a resync copied them). */
    public void reopen() throws IOException {
        closeLogs();
        try (var vhostDirs = Files.list(root)) {
            for (Path vdir : vhostDirs.filter(Files::isDirectory).toList()) {
                try (var streamDirs = Files.list(vdir)) {
                    for (Path sdir : streamDirs.filter(Files::isDirectory).toList()) {
                        if (!Files.exists(sdir.resolve(StreamDefinitionFile.NAME))) {
                            deleteTree(sdir);
                            continue;
                        }
                        StreamInfo info = StreamDefinitionFile.read(sdir);
                        Stream s = new Stream(sdir, info);
                        for (ShardInfo sh : info.shards()) {
                            s.logs.put(sh.index(), SegmentLog.open(Stream.shardDir(sdir, sh.index()), segmentBytes,
                                    fsync, key));
                        }
                        streams.put(key(info.vhost(), info.name()), s);
                    }
                }
            }
        }
        if (!streams.isEmpty()) {
            LOG.info("Stream copy in {}: {} stream(s)", root, streams.size());
        }
    }

    /** Forces every change applied since the last force to disk. */
    public void force() throws IOException {
        for (SegmentLog log : touched) {
            log.force();
        }
        touched.clear();
    }

    /** The offset after the last record the copy holds of a shard, or -1 when it does not hold the shard. */
    public long endOffset(String vhost, String name, int shard) {
        Stream s = streams.get(key(vhost, name));
        SegmentLog log = s == null ? null : s.logs.get(shard);
        return log == null ? -1 : log.endOffset();
    }

    private void closeLogs() {
        copying.values().forEach(LogSegment::close);
        copying.clear();
        for (Stream s : streams.values()) {
            s.logs.values().forEach(SegmentLog::close);
        }
        streams.clear();
        touched.clear();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Forces what was applied and closes the logs. */
    @Override
    public void close() {
        try {
            force();
        } catch (IOException e) {
            LOG.warn("Stream copy in {}: forcing on close: {}", root, e.toString());
        }
        closeLogs();
    }
}
