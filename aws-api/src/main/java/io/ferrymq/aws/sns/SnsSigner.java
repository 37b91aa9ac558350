package io.ferrymq.aws.sns;

import io.ferrymq.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Signs SNS messages as AWS does (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over the canonical
 * "name\nvalue\n" string) with a broker key whose self-signed certificate is served at SigningCertURL.
 * The key and certificate are made once and kept in the state store, so signatures stay verifiable
 * across restarts.
 */
public final class SnsSigner {

    private static final Logger LOG = LoggerFactory.getLogger(SnsSigner.class);
    private static final String KEY = "signing-key";
    private static final String CERT = "signing-cert";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final String pem;

    public SnsSigner(StateStore store) {
        try {
            byte[] k = store.get(KEY).orElse(null);
            byte[] c = store.get(CERT).orElse(null);
            if (k == null || c == null) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                KeyPair pair = g.generateKeyPair();
                k = pair.getPrivate().getEncoded();
                c = selfSigned(pair, "CN=sns.ferrymq.local");
                store.put(KEY, k);
                store.put(CERT, c);
                LOG.info("Made the SNS message signing key and certificate");
            }
            this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(k));
            this.certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(c));
            this.pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c)
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up SNS message signing", e);
        }
    }

    public String certificatePem() {
        return pem;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** @param version "1" (SHA1withRSA) or "2" (SHA256withRSA) */
    public String sign(String stringToSign, String version) {
        try {
            Signature s = Signature.getInstance("2".equals(version) ? "SHA256withRSA" : "SHA1withRSA");
            s.initSign(key);
            s.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ a minimal DER writer for one certificate

    private static byte[] selfSigned(KeyPair pair, String dn) throws GeneralSecurityException {
        byte[] sha256WithRsa = oid(new int[] {1, 2, 840, 113549, 1, 1, 11});
        byte[] algorithm = seq(sha256WithRsa, new byte[] {0x05, 0x00});
        byte[] name = seq(set(seq(oid(new int[] {2, 5, 4, 3}), tlv(0x0c, dn.substring(3).getBytes(StandardCharsets.UTF_8)))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).minusDays(1);
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
        byte[] validity = seq(tlv(0x17, utc.format(now).getBytes(StandardCharsets.US_ASCII)),
                tlv(0x17, utc.format(now.plusYears(20)).getBytes(StandardCharsets.US_ASCII)));
        byte[] serial = tlv(0x02, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE).toByteArray());
        byte[] version = tlv(0xa0, tlv(0x02, new byte[] {2}));
        byte[] tbs = seq(version, serial, algorithm, name, validity, name, pair.getPublic().getEncoded());
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bits, 1, sig.length);
        return seq(tbs, algorithm, tlv(0x03, bits));
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] oid(int[] arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int v = arcs[i];
            byte[] tmp = new byte[5];
            int k = 0;
            do {
                tmp[k++] = (byte) (v & 0x7f);
                v >>>= 7;
            } while (v != 0);
            for (int j = k - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return tlv(0x06, out.toByteArray());
    }
}
