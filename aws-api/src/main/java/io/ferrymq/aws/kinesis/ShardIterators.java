package io.ferrymq.aws.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Shard iterators: a reader's position handed to the client (stream, its creation time, shard, offset and
 * when the iterator was issued), with a checksum so that a damaged or made-up iterator is recognised. The
 * broker keeps nothing per reader: the iterator is the reader's position.
 */
final class ShardIterators {

    /** Kinesis' validity of an iterator. */
    static final long LIFETIME_MILLIS = 300_000;

    /** A decoded iterator. */
    record Position(String stream, long streamCreated, int shard, long offset, long issuedMillis) { }

    private ShardIterators() {
    }

    static String encode(Position p) {
        String body = "1\n" + p.stream() + "\n" + p.streamCreated() + "\n" + p.shard() + "\n" + p.offset() + "\n"
                + p.issuedMillis();
        CRC32C crc = new CRC32C();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        crc.update(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString((body + "\n" + Long.toHexString(crc.getValue()))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** @return null when the text is not an iterator this broker issued */
    static Position decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 1024) {
            return null;
        }
        try {
            String all = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int last = all.lastIndexOf('\n');
            if (last < 0) {
                return null;
            }
            String body = all.substring(0, last);
            CRC32C crc = new CRC32C();
            crc.update(body.getBytes(StandardCharsets.UTF_8));
            if (!Long.toHexString(crc.getValue()).equals(all.substring(last + 1))) {
                return null;
            }
            String[] f = body.split("\n", -1);
            if (f.length != 6 || !f[0].equals("1")) {
                return null;
            }
            return new Position(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
