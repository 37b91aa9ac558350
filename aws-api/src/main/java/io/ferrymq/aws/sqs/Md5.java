package io.ferrymq.aws.sqs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The digests SQS returns and SDKs check: {@code MD5OfMessageBody} is the MD5 of the body's UTF-8 bytes;
 * {@code MD5OfMessageAttributes} (and of system attributes) is the MD5 of, for each attribute in name
 * order, the length-prefixed name, the length-prefixed data type, a transport byte (1 string, 2 binary)
 * and the length-prefixed value; lengths are 4-byte big-endian.
 */
public final class Md5 {

    private Md5() {
    }

    public static String ofBody(String body) {
        return hex(digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return null when there are no attributes (SQS then leaves the field out) */
    public static String ofAttributes(Map<String, AttributeValue> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        for (Map.Entry<String, AttributeValue> e : new TreeMap<>(attributes).entrySet()) {
            AttributeValue v = e.getValue();
            lengthPrefixed(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(out, v.dataType().getBytes(StandardCharsets.UTF_8));
            if (v.binary()) {
                out.write(2);
                lengthPrefixed(out, v.binaryValue() == null ? new byte[0] : v.binaryValue());
            } else {
                out.write(1);
                lengthPrefixed(out, (v.stringValue() == null ? "" : v.stringValue()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return hex(digest(out.toByteArray()));
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] b) {
        out.write(b.length >>> 24);
        out.write(b.length >>> 16);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    public static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
