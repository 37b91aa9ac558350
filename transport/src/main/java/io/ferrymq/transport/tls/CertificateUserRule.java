package io.ferrymq.transport.tls;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Maps a verified client certificate to a broker user: a regular expression over the subject DN (RFC 2253, as
 * {@code CN=app1,O=Acme}) or over each subject alternative name (DNS name, e-mail, URI, IP address), and the user
 * it stands for, where {@code $1}... take the expression's groups.
 *
 * @param subject the whole subject DN must match; null to look at SANs only
 * @param san     one SAN must match in full; null to look at the subject only
 * @param user    the broker user, possibly with group references
 */
public record CertificateUserRule(String subject, String san, String user) {

    public CertificateUserRule {
        if ((subject == null) == (san == null)) {
            throw new IllegalArgumentException("tls.client-users: each rule needs exactly one of subject or san");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("tls.client-users: each rule needs the user it maps to");
        }
        try {
            Pattern.compile(subject != null ? subject : san);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("tls.client-users: '" + (subject != null ? subject : san)
                    + "' is not a regular expression: " + e.getDescription());
        }
    }

    /** The rule that takes the certificate's common name as the user name (used when none are configured). */
    public static CertificateUserRule commonName() {
        return new CertificateUserRule("(?:.*,)?CN=([^,]+)(?:,.*)?", null, "$1");
    }

    Optional<String> apply(String subjectDn, List<String> sans) {
        Pattern p = Pattern.compile(subject != null ? subject : san);
        if (subject != null) {
            return expand(p.matcher(subjectDn));
        }
        for (String s : sans) {
            Optional<String> u = expand(p.matcher(s));
            if (u.isPresent()) {
                return u;
            }
        }
        return Optional.empty();
    }

    private Optional<String> expand(Matcher m) {
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.replaceFirst(user));
    }
}
