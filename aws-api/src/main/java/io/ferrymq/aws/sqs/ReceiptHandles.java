package io.ferrymq.aws.sqs;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Receipt handles: the virtual host, queue and delivery id of one receive, sealed with an HMAC under a
 * key made at start, so that they cannot be forged or guessed. A delivery id names one delivery only, so
 * a handle stops working once its message is delivered again (and after a restart, when everything in
 * flight became visible anyway).
 */
public final class ReceiptHandles {

    private static final int MAC_BYTES = 16;

    /** What a valid handle names. */
    public record Handle(String vhost, String queue, long deliveryId, long receivedAt) { }

    private final byte[] key = new byte[32];

    public ReceiptHandles() {
        new SecureRandom().nextBytes(key);
    }

    public String encode(String vhost, String queue, long deliveryId, long receivedAt) {
        byte[] v = vhost.getBytes(StandardCharsets.UTF_8);
        byte[] q = queue.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + v.length + 2 + q.length + 16 + MAC_BYTES);
        b.put((byte) 1).putShort((short) v.length).put(v).putShort((short) q.length).put(q).putLong(deliveryId)
                .putLong(receivedAt);
        byte[] mac = mac(b.array(), b.position());
        b.put(mac, 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** @return null for anything that is not a handle this broker made */
    public Handle decode(String handle) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(handle);
            ByteBuffer b = ByteBuffer.wrap(raw);
            if (raw.length < 1 + 2 + 2 + 16 + MAC_BYTES || b.get() != 1) {
                return null;
            }
            byte[] v = new byte[b.getShort()];
            b.get(v);
            byte[] q = new byte[b.getShort()];
            b.get(q);
            long deliveryId = b.getLong();
            long receivedAt = b.getLong();
            int signedLength = b.position();
            if (b.remaining() != MAC_BYTES) {
                return null;
            }
            byte[] given = Arrays.copyOfRange(raw, signedLength, raw.length);
            byte[] expected = Arrays.copyOf(mac(raw, signedLength), MAC_BYTES);
            if (!MessageDigest.isEqual(given, expected)) {
                return null;
            }
            return new Handle(new String(v, StandardCharsets.UTF_8), new String(q, StandardCharsets.UTF_8), deliveryId,
                    receivedAt);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(data, 0, length);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
