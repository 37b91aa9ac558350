package io.ferrymq.aws.auth;

import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsRequest;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Decides who a request comes from. Strict mode verifies SigV4 against the configured access keys, as AWS
 * does; permissive mode (the default) accepts any credentials, from loopback only unless configured
 * otherwise, like ElasticMQ and LocalStack.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    /** Region names as AWS forms them ({@code us-east-1}), and the single words local emulators use ({@code local}). */
    private static final java.util.regex.Pattern VALID_REGION = java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final AwsApiSettings settings;
    private final BiFunction<String, ClientInfo, BrokerPrincipal> principals;
    private final Supplier<Instant> clock;

    /**
     * @param principals the broker user a verified request acts as, with the login rules other than the password
     *                   applied to where the request comes from ({@code Broker::vouchedFor}); throws
     *                   {@link BrokerException} when that user may not log in from there
     */
    public Authenticator(AwsApiSettings settings, BiFunction<String, ClientInfo, BrokerPrincipal> principals,
                         Supplier<Instant> clock) {
        this.settings = settings;
        this.principals = principals;
        this.clock = clock;
    }

    /**
     * @param service the signing name of the API the request addresses ({@code sqs}, {@code sns}): a signature
     *                must be scoped to it, in either mode
     * @throws AwsError IncompleteSignature, MissingAuthenticationToken, InvalidClientTokenId, SignatureDoesNotMatch, AccessDenied
     */
    public Caller authenticate(AwsRequest r, String service) {
        SigV4.Signature sig = SigV4.parse(r);
        if (sig != null) {
            checkScope(sig, service);
        }
        String region = sig != null ? sig.region() : settings.region();
        if (settings.strictSignatures()) {
            return strict(r, sig, region);
        }
        if (!r.fromLoopback() && !settings.allowRemoteUnsigned()) {
            throw AwsError.sender("AccessDenied", 403, "Access to the resource is denied: without configured access"
                    + " keys (aws strict signatures) this endpoint accepts requests from this machine only");
        }
        AwsApiSettings.AccessKey key = sig == null ? null : settings.accessKeys().get(sig.accessKeyId());
        String user = key != null ? key.user() : settings.defaultUser();
        String account = key != null && key.accountId() != null ? key.accountId() : settings.defaultAccountId();
        return caller(r, sig, account, region, user);
    }

    private Caller strict(AwsRequest r, SigV4.Signature sig, String region) {
        if (sig == null) {
            throw AwsError.sender("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }
        AwsApiSettings.AccessKey key = settings.accessKeys().get(sig.accessKeyId());
        if (key == null) {
            throw AwsError.sender("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
        }
        checkClock(sig);
        String expected = SigV4.expectedSignature(r, sig, key.secretKey());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                sig.signature().getBytes(StandardCharsets.US_ASCII))) {
            LOG.debug("SigV4 mismatch for key {}: canonical request was\n{}", sig.accessKeyId(),
                    SigV4.canonicalRequest(r, sig));
            throw AwsError.sender("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method. Consult the service"
                    + " documentation for details.");
        }
        String account = key.accountId() != null ? key.accountId() : settings.defaultAccountId();
        return caller(r, sig, account, region, key.user());
    }

    /**
     * A signature made for another service or for no valid region is refused as AWS refuses it, whether or not
     * signatures are verified: a client that signs for SNS and sends to SQS has a configuration error to see.
     */
    private static void checkScope(SigV4.Signature sig, String service) {
        if (!VALID_REGION.matcher(sig.region()).matches()) {
            LOG.info("Refused a request signed for region '{}' by key {}", sig.region(), sig.accessKeyId());
            throw AwsError.sender("SignatureDoesNotMatch", 403, "Credential should be scoped to a valid region, not '"
                    + sig.region() + "'. ");
        }
        if (!service.equals(sig.service())) {
            LOG.info("Refused a request to {} signed for service '{}' by key {}", service, sig.service(),
                    sig.accessKeyId());
            throw AwsError.sender("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: '"
                    + service + "'. ");
        }
    }

    private void checkClock(SigV4.Signature sig) {
        Instant signed;
        try {
            signed = Instant.from(AMZ_DATE.parse(sig.amzDate()));
        } catch (DateTimeParseException e) {
            try {
                signed = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(sig.amzDate()));
            } catch (DateTimeParseException e2) {
                throw AwsError.sender("IncompleteSignature", 400, "Date must be in ISO-8601 'basic format'. Got '"
                        + sig.amzDate() + "'. See http://en.wikipedia.org/wiki/ISO_8601");
            }
        }
        if (!sig.date().equals(AMZ_DATE.format(signed).substring(0, 8))) {
            throw AwsError.sender("SignatureDoesNotMatch", 403, "Date in Credential scope does not match YYYYMMDD from"
                    + " ISO-8601 version of date from HTTP: '" + sig.date() + "' != '" + AMZ_DATE.format(signed).substring(0, 8)
                    + "', from '" + sig.amzDate() + "'.");
        }
        Instant now = clock.get();
        Duration skew = settings.maxClockSkew();
        long minutes = skew.toMinutes();
        if (signed.isBefore(now.minus(skew))) {
            throw AwsError.sender("SignatureDoesNotMatch", 403, "Signature expired: " + AMZ_DATE.format(signed)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(skew)) + " (" + AMZ_DATE.format(now) + " - "
                    + minutes + " min.)");
        }
        if (signed.isAfter(now.plus(skew))) {
            throw AwsError.sender("SignatureDoesNotMatch", 403, "Signature not yet current: " + AMZ_DATE.format(signed)
                    + " is still later than " + AMZ_DATE.format(now.plus(skew)) + " (" + AMZ_DATE.format(now) + " + "
                    + minutes + " min.)");
        }
    }

    private Caller caller(AwsRequest r, SigV4.Signature sig, String account, String region, String user) {
        String vhost = settings.vhostOf(account, region);
        if (vhost == null) {
            throw AwsError.sender("InvalidClientTokenId", 403, "The security token included in the request is invalid:"
                    + " account " + account + " maps to no virtual host of this broker");
        }
        // Every request, not only a connection's first: HTTP connections carry no login, and the user's rules
        // (the default guest user only from loopback) must hold as they do for every other protocol.
        BrokerPrincipal principal;
        try {
            principal = principals.apply(user, new ClientInfo(0, "aws-http", r.remote(), null, null));
        } catch (BrokerException e) {
            throw AwsError.sender("InvalidClientTokenId", 403, "The security token included in the request is"
                    + " invalid: " + e.getMessage());
        }
        return new Caller(sig == null ? null : sig.accessKeyId(), account, region, vhost, principal);
    }
}
