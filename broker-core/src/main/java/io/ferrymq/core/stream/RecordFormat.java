package io.ferrymq.core.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a record: {@code [int length][int crc32c][payload]} where the payload is
 * {@code long offset, long arrival millis, int key length, key, int hash-key length (-1: none), hash key,
 * int data length, data}. The CRC covers the payload, so a torn or damaged record is recognised.
 */
final class RecordFormat {

    static final int HEADER = 8;
    /** Larger than any record a protocol accepts (Kinesis: 1 MiB), small enough to reject garbage lengths. */
    static final int MAX_PAYLOAD = 64 * 1024 * 1024;

    private RecordFormat() {
    }

    static int size(byte[] key, byte[] hashKey, byte[] data) {
        return HEADER + 8 + 8 + 4 + key.length + 4 + (hashKey == null ? 0 : hashKey.length) + 4 + data.length;
    }

    static void write(ByteBuffer out, long offset, long arrival, byte[] key, byte[] hashKey, byte[] data) {
        int start = out.position();
        out.position(start + HEADER);
        out.putLong(offset).putLong(arrival).putInt(key.length).put(key);
        if (hashKey == null) {
            out.putInt(-1);
        } else {
            out.putInt(hashKey.length).put(hashKey);
        }
        out.putInt(data.length).put(data);
        int end = out.position();
        CRC32C crc = new CRC32C();
        ByteBuffer payload = out.duplicate().position(start + HEADER).limit(end);
        crc.update(payload);
        out.putInt(start, end - start - HEADER).putInt(start + 4, (int) crc.getValue());
    }

    /**
     * Checks the record at the buffer's position: its length fits in what remains and its CRC matches.
     *
     * @return the record's total size, or -1 if it is torn or damaged
     */
    static int check(ByteBuffer in) {
        if (in.remaining() < HEADER) {
            return -1;
        }
        int p = in.position();
        int length = in.getInt(p);
        if (length < 8 + 8 + 4 + 4 + 4 || length > MAX_PAYLOAD || length > in.remaining() - HEADER) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().position(p + HEADER).limit(p + HEADER + length));
        return (int) crc.getValue() == in.getInt(p + 4) ? HEADER + length : -1;
    }

    /** The length field of the record at {@code position} (without checking it). */
    static int payloadLength(ByteBuffer in, int position) {
        return in.getInt(position);
    }

    /** Decodes a record {@link #check checked} to be whole; advances the buffer past it. */
    static StreamRecord read(ByteBuffer in) {
        int length = in.getInt();
        in.getInt();
        int end = in.position() + length;
        long offset = in.getLong();
        long arrival = in.getLong();
        String key = string(in, in.getInt());
        int hashLength = in.getInt();
        String hashKey = hashLength < 0 ? null : string(in, hashLength);
        byte[] data = new byte[in.getInt()];
        in.get(data);
        in.position(end);
        return new StreamRecord(offset, arrival, key, hashKey, data);
    }

    /** The offset and arrival time of a checked record, without decoding the rest. */
    static long offsetAt(ByteBuffer in, int position) {
        return in.getLong(position + HEADER);
    }

    static long arrivalAt(ByteBuffer in, int position) {
        return in.getLong(position + HEADER + 8);
    }

    private static String string(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
