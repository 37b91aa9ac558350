package io.ferrymq.ha;

import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamRecord;
import io.ferrymq.core.stream.StreamStatus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of {@link ReplicationMessage.StreamOp}: a stream change as the active made it, or a step of a
 * streams resync (begin, a piece of a segment file, end). {@code [kind:1][fields]}, strings and byte arrays
 * length-prefixed.
 */
final class StreamOps {

    /** A decoded body. */
    sealed interface Op permits Change, Begin, Segment, End { }

    record Change(StreamChange change) implements Op { }

    /** The standby's streams are replaced by the snapshot that follows. */
    record Begin() implements Op { }

    /** Bytes of a segment file of the snapshot. */
    record Segment(String vhost, String stream, int shard, long baseOffset, long position, byte[] bytes) implements Op { }

    /** The snapshot is complete. */
    record End() implements Op { }

    private static final byte DEFINED = 1;
    private static final byte DELETED = 2;
    private static final byte APPENDED = 3;
    private static final byte BEGIN = 10;
    private static final byte SEGMENT = 11;
    private static final byte END = 12;

    private StreamOps() {
    }

    static byte[] change(StreamChange c) {
        return write(out -> {
            if (c instanceof StreamChange.Defined d) {
                out.writeByte(DEFINED);
                info(out, d.info());
            } else if (c instanceof StreamChange.Deleted d) {
                out.writeByte(DELETED);
                string(out, d.vhost());
                string(out, d.name());
            } else if (c instanceof StreamChange.Appended a) {
                out.writeByte(APPENDED);
                string(out, a.vhost());
                string(out, a.name());
                out.writeInt(a.shard());
                out.writeInt(a.records().size());
                for (StreamRecord r : a.records()) {
                    out.writeLong(r.offset());
                    out.writeLong(r.arrivalMillis());
                    string(out, r.partitionKey());
                    out.writeBoolean(r.explicitHashKey() != null);
                    if (r.explicitHashKey() != null) {
                        string(out, r.explicitHashKey());
                    }
                    bytes(out, r.data());
                }
            }
        });
    }

    static byte[] begin() {
        return new byte[] {BEGIN};
    }

    static byte[] end() {
        return new byte[] {END};
    }

    static byte[] segment(String vhost, String stream, int shard, long baseOffset, long position, byte[] data) {
        return write(out -> {
            out.writeByte(SEGMENT);
            string(out, vhost);
            string(out, stream);
            out.writeInt(shard);
            out.writeLong(baseOffset);
            out.writeLong(position);
            bytes(out, data);
        });
    }

    static Op read(byte[] body) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            byte kind = in.readByte();
            return switch (kind) {
                case DEFINED -> new Change(new StreamChange.Defined(info(in)));
                case DELETED -> new Change(new StreamChange.Deleted(string(in), string(in)));
                case APPENDED -> {
                    String vhost = string(in);
                    String name = string(in);
                    int shard = in.readInt();
                    int n = in.readInt();
                    List<StreamRecord> records = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        long offset = in.readLong();
                        long arrival = in.readLong();
                        String key = string(in);
                        String hash = in.readBoolean() ? string(in) : null;
                        records.add(new StreamRecord(offset, arrival, key, hash, bytes(in)));
                    }
                    yield new Change(new StreamChange.Appended(vhost, name, shard, records));
                }
                case BEGIN -> new Begin();
                case SEGMENT -> new Segment(string(in), string(in), in.readInt(), in.readLong(), in.readLong(), bytes(in));
                case END -> new End();
                default -> throw new IllegalArgumentException("unknown stream replication operation " + kind);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("a stream replication message is truncated: " + e, e);
        }
    }

    private static void info(DataOutputStream out, StreamInfo s) throws IOException {
        string(out, s.vhost());
        string(out, s.name());
        string(out, s.mode().name());
        out.writeLong(s.retentionMillis());
        out.writeLong(s.retentionBytes());
        out.writeLong(s.createdMillis());
        out.writeInt(s.nextShard());
        out.writeInt(s.shards().size());
        for (ShardInfo sh : s.shards()) {
            out.writeInt(sh.index());
            string(out, sh.hashStart().toString());
            string(out, sh.hashEnd().toString());
            out.writeInt(sh.parent());
            out.writeInt(sh.adjacentParent());
            out.writeLong(sh.endOffset());
        }
        out.writeInt(s.tags().size());
        for (Map.Entry<String, String> t : s.tags().entrySet()) {
            string(out, t.getKey());
            string(out, t.getValue());
        }
    }

    private static StreamInfo info(DataInputStream in) throws IOException {
        String vhost = string(in);
        String name = string(in);
        StreamMode mode = StreamMode.valueOf(string(in));
        long retention = in.readLong();
        long retentionBytes = in.readLong();
        long created = in.readLong();
        int next = in.readInt();
        int n = in.readInt();
        List<ShardInfo> shards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shards.add(new ShardInfo(in.readInt(), new BigInteger(string(in)), new BigInteger(string(in)), in.readInt(),
                    in.readInt(), in.readLong()));
        }
        int tags = in.readInt();
        Map<String, String> t = new LinkedHashMap<>();
        for (int i = 0; i < tags; i++) {
            t.put(string(in), string(in));
        }
        return new StreamInfo(vhost, name, StreamStatus.ACTIVE, mode, retention, retentionBytes, created, shards, t, next);
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writing w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(b)) {
            w.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("a field of " + n + " bytes in a message with " + in.available() + " left");
        }
        return in.readNBytes(n);
    }
}
