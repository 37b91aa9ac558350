package io.ferrymq.transport.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A small certificate authority (EC P-256, SHA-256): what {@code ferrymq tls self-signed} writes to
 * {@code conf/tls/}, and the certificates tests use (servers, clients, expired or for the wrong host).
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Issued root;

    private CertificateAuthority(Issued root) {
        this.root = root;
    }

    /** A new self-signed CA. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair keys = newKeys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + commonName);
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(new Issued(sign(b, keys.getPrivate()), keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    public X509Certificate certificate() {
        return root.certificate();
    }

    public PrivateKey key() {
        return root.key();
    }

    /**
     * A server certificate for these names (DNS names, or IP addresses written as such), valid from
     * {@code notBefore} to {@code notAfter}.
     */
    public Issued issueServer(String commonName, List<String> names, Instant notBefore, Instant notAfter) {
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(new GeneralName(looksLikeIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        return issue("CN=" + commonName, sans, KeyPurposeId.id_kp_serverAuth, notBefore, notAfter);
    }

    /** A server certificate for these names valid for {@code validity} from now. */
    public Issued issueServer(String commonName, List<String> names, Duration validity) {
        Instant now = Instant.now();
        return issueServer(commonName, names, now.minus(Duration.ofMinutes(5)), now.plus(validity));
    }

    /** A client certificate (mutual TLS) with this subject DN, for example {@code CN=app1,O=Acme}. */
    public Issued issueClient(String subjectDn, Duration validity) {
        Instant now = Instant.now();
        return issue(subjectDn, List.of(), KeyPurposeId.id_kp_clientAuth, now.minus(Duration.ofMinutes(5)),
                now.plus(validity));
    }

    private Issued issue(String subjectDn, List<GeneralName> sans, KeyPurposeId purpose, Instant notBefore,
                         Instant notAfter) {
        KeyPair keys = newKeys();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root.certificate(), serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subjectDn), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(root.certificate()));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(b, root.key()), keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subjectDn, e);
        }
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /** Writes the certificate (PEM) and its key (unencrypted PKCS#8 PEM, readable by the owner only). */
        public void writePem(Path certificateFile, Path keyFile) throws IOException {
            writeCertificate(certificate, certificateFile);
            writeKey(key, keyFile);
        }
    }

    public static void writeCertificate(X509Certificate certificate, Path file) throws IOException {
        try {
            Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode the certificate", e);
        }
    }

    public static void writeKey(PrivateKey key, Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own protection is all there is.
        }
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are not available in this JVM", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static boolean looksLikeIp(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }
}
