package io.ferrymq.aws.auth;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * AWS Signature Version 4: parsing the {@code Authorization} header (or pre-signed query parameters) and
 * recomputing the signature from a request and a secret key.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /** What a request says about its signature. */
    public record Signature(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
                            String signature, String amzDate, boolean presigned) {

        public String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    private SigV4() {
    }

    /** @return null when the request carries no signature at all */
    public static Signature parse(AwsRequest r) {
        String auth = r.header("authorization");
        if (auth != null && !auth.isBlank()) {
            return parseHeader(auth.trim(), amzDate(r));
        }
        String algorithm = queryParam(r, "X-Amz-Algorithm");
        if (algorithm != null) {
            if (!ALGORITHM.equals(algorithm)) {
                throw incomplete("Unsupported AWS 'algorithm': '" + algorithm + "'");
            }
            String credential = queryParam(r, "X-Amz-Credential");
            String signed = queryParam(r, "X-Amz-SignedHeaders");
            String signature = queryParam(r, "X-Amz-Signature");
            String date = queryParam(r, "X-Amz-Date");
            if (credential == null || signed == null || signature == null || date == null) {
                throw incomplete("AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
                        + "'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters.");
            }
            return credential(credential, signed, signature, date, true);
        }
        return null;
    }

    private static Signature parseHeader(String auth, String amzDate) {
        if (!auth.startsWith(ALGORITHM + " ")) {
            if (auth.startsWith("AWS ")) {
                throw incomplete("Signature Version 2 is not supported: sign requests with " + ALGORITHM);
            }
            throw incomplete("Authorization header requires '" + ALGORITHM + "'. Authorization=" + auth);
        }
        String credential = null;
        String signed = null;
        String signature = null;
        for (String part : auth.substring(ALGORITHM.length()).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = p.substring(0, eq).trim();
            String v = p.substring(eq + 1).trim();
            switch (k) {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signed = v;
                case "Signature" -> signature = v;
                default -> { }
            }
        }
        List<String> missing = new ArrayList<>();
        if (credential == null) {
            missing.add("Authorization header requires 'Credential' parameter.");
        }
        if (signature == null) {
            missing.add("Authorization header requires 'Signature' parameter.");
        }
        if (signed == null) {
            missing.add("Authorization header requires 'SignedHeaders' parameter.");
        }
        if (amzDate == null) {
            missing.add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!missing.isEmpty()) {
            throw incomplete(String.join(" ", missing) + " Authorization=" + auth);
        }
        return credential(credential, signed, signature, amzDate, false);
    }

    private static Signature credential(String credential, String signed, String signature, String amzDate,
                                        boolean presigned) {
        String[] c = credential.split("/");
        if (c.length != 5 || !"aws4_request".equals(c[4]) || c[0].isEmpty()) {
            throw incomplete("Credential should be scoped to a valid region, not ''. Credential should be scoped to"
                    + " correct service. Credential should be scoped with a valid terminator: 'aws4_request', not '"
                    + (c.length > 4 ? c[4] : "") + "'. Credential=" + credential);
        }
        List<String> headers = List.of(signed.toLowerCase(Locale.ROOT).split(";"));
        return new Signature(c[0], c[1], c[2], c[3], headers, signature, amzDate, presigned);
    }

    private static String amzDate(AwsRequest r) {
        String d = r.header("x-amz-date");
        return d != null ? d : r.header("date");
    }

    private static AwsError incomplete(String message) {
        return AwsError.sender("IncompleteSignature", 400, message);
    }

    /** The signature the request should carry if it was signed with {@code secretKey}. */
    public static String expectedSignature(AwsRequest r, Signature s, String secretKey) {
        String canonical = canonicalRequest(r, s);
        String stringToSign = ALGORITHM + "\n" + s.amzDate() + "\n" + s.scope() + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), s.date());
        key = hmac(key, s.region());
        key = hmac(key, s.service());
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    static String canonicalRequest(AwsRequest r, Signature s) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(r.method()).append('\n');
        String path = r.path().isEmpty() ? "/" : r.path();
        sb.append(encode(path, true)).append('\n');
        sb.append(canonicalQuery(r.rawQuery(), s.presigned())).append('\n');
        for (String h : s.signedHeaders()) {
            List<String> values = r.headers().getOrDefault(h, List.of());
            sb.append(h).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(values.get(i).trim().replaceAll(" +", " "));
            }
            sb.append('\n');
        }
        sb.append('\n').append(String.join(";", s.signedHeaders())).append('\n');
        String payload = r.header("x-amz-content-sha256");
        if (payload == null) {
            payload = s.presigned() && r.body().length == 0 ? "UNSIGNED-PAYLOAD" : hex(sha256(r.body()));
        }
        sb.append(payload);
        return sb.toString();
    }

    private static String canonicalQuery(String raw, boolean presigned) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String p : raw.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = decode(eq < 0 ? p : p.substring(0, eq));
            String v = eq < 0 ? "" : decode(p.substring(eq + 1));
            if (presigned && k.equals("X-Amz-Signature")) {
                continue;
            }
            pairs.add(new String[] {encode(k, false), encode(v, false)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    private static String queryParam(AwsRequest r, String name) {
        if (r.rawQuery() == null) {
            return null;
        }
        for (String p : r.rawQuery().split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && decode(p.substring(0, eq)).equals(name)) {
                return decode(p.substring(eq + 1));
            }
        }
        return null;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is %XX. */
    static String encode(String s, boolean keepSlash) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (keepSlash && c == '/')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256 of a text's UTF-8 bytes (also SQS and SNS content-based deduplication ids). */
    public static String sha256Hex(String text) {
        return hex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
