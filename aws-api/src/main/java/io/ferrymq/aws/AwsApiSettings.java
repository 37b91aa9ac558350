package io.ferrymq.aws;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the SQS/SNS HTTP endpoint.
 *
 * @param maxMessageBytes     the largest SQS message (body plus attributes) and SNS publish accepted, and the
 *                            upper bound of a queue's {@code MaximumMessageSize}; AWS allows 1 MiB
 * @param queueUrlBase        null to build queue URLs from each request's {@code Host} header (so that they
 *                            resolve for the client that asked), or a fixed base such as
 *                            {@code http://broker.example:9324}
 * @param region              the region named in ARNs when a request does not sign for one
 * @param defaultAccountId    the account of requests whose credentials map to no account
 * @param accountVhosts       account id (or {@code account:region}) to virtual host; the default account maps
 *                            to {@code /} unless listed
 * @param strictSignatures    verify SigV4 signatures against {@code accessKeys}; when false any credentials
 *                            are accepted (from loopback only, unless {@code allowRemoteAnonymous})
 * @param accessKeys          access key id to its secret, the broker user it acts as and its account
 * @param defaultUser         the broker user that requests act as when their access key is not configured
 *                            (permissive mode only)
 * @param allowRemoteUnsigned in permissive mode, also accept requests from other machines
 * @param maxClockSkew        how far a signed request's time may be from the broker's (strict mode)
 * @param publicBaseUrl       null to build SNS SigningCertURL/SubscribeURL/UnsubscribeURL from the listener
 *                            address; a fixed base otherwise
 * @param httpDeliveryTimeout how long an SNS HTTP/S endpoint has to answer one delivery
 * @param kinesisThroughputLimits enforce Kinesis' per-shard limits (writes 1 MiB or 1,000 records a second,
 *                            reads 2 MiB or 5 calls a second) with ProvisionedThroughputExceededException; off
 *                            for local development and benchmarks
 * @param firehoseBuckets     Firehose's S3-style destinations: bucket name to the local directory its objects are
 *                            written in; {@code *} names a directory holding one subdirectory per bucket
 */
public record AwsApiSettings(long maxMessageBytes, String queueUrlBase, String region, String defaultAccountId,
                             Map<String, String> accountVhosts, boolean strictSignatures,
                             Map<String, AccessKey> accessKeys, String defaultUser, boolean allowRemoteUnsigned,
                             Duration maxClockSkew, String publicBaseUrl, Duration httpDeliveryTimeout,
                             boolean kinesisThroughputLimits, Map<String, String> firehoseBuckets) {

    public static final long ONE_MIB = 1024 * 1024;
    public static final String DEFAULT_ACCOUNT = "000000000000";

    /** An access key: its secret, the broker user requests signed with it act as, and its account. */
    public record AccessKey(String secretKey, String user, String accountId) {
        public AccessKey {
            Objects.requireNonNull(secretKey, "secretKey");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String toString() {
            return "AccessKey[user=" + user + ", account=" + accountId + "]";
        }
    }

    public AwsApiSettings {
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("aws max message size must be at least 1 KiB");
        }
        region = region == null || region.isBlank() ? "us-east-1" : region;
        defaultAccountId = defaultAccountId == null || defaultAccountId.isBlank() ? DEFAULT_ACCOUNT : defaultAccountId;
        accountVhosts = accountVhosts == null ? Map.of() : Map.copyOf(accountVhosts);
        accessKeys = accessKeys == null ? Map.of() : Map.copyOf(accessKeys);
        defaultUser = defaultUser == null || defaultUser.isBlank() ? "guest" : defaultUser;
        maxClockSkew = maxClockSkew == null ? Duration.ofMinutes(5) : maxClockSkew;
        httpDeliveryTimeout = httpDeliveryTimeout == null ? Duration.ofSeconds(15) : httpDeliveryTimeout;
        firehoseBuckets = firehoseBuckets == null ? Map.of() : Map.copyOf(firehoseBuckets);
        if (queueUrlBase != null && queueUrlBase.endsWith("/")) {
            queueUrlBase = queueUrlBase.substring(0, queueUrlBase.length() - 1);
        }
        if (publicBaseUrl != null && publicBaseUrl.endsWith("/")) {
            publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
        }
    }

    /** 1 MiB messages, queue URLs from the Host header, permissive credentials from loopback, us-east-1. */
    public static AwsApiSettings defaults() {
        return new AwsApiSettings(ONE_MIB, null, "us-east-1", DEFAULT_ACCOUNT, Map.of(), false, Map.of(), "guest",
                false, Duration.ofMinutes(5), null, Duration.ofSeconds(15), true, Map.of());
    }

    public AwsApiSettings withStrictSignatures(Map<String, AccessKey> keys) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts, true, keys,
                defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl, httpDeliveryTimeout,
                kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withAccessKeys(Map<String, AccessKey> keys) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts,
                strictSignatures, keys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl,
                httpDeliveryTimeout, kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withQueueUrlBase(String base) {
        return new AwsApiSettings(maxMessageBytes, base, region, defaultAccountId, accountVhosts, strictSignatures,
                accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl, httpDeliveryTimeout,
                kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withMaxMessageBytes(long bytes) {
        return new AwsApiSettings(bytes, queueUrlBase, region, defaultAccountId, accountVhosts, strictSignatures,
                accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl, httpDeliveryTimeout,
                kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withAccountVhosts(Map<String, String> map) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, map, strictSignatures,
                accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl, httpDeliveryTimeout,
                kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withMaxClockSkew(Duration skew) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts,
                strictSignatures, accessKeys, defaultUser, allowRemoteUnsigned, skew, publicBaseUrl,
                httpDeliveryTimeout, kinesisThroughputLimits, firehoseBuckets);
    }

    public AwsApiSettings withKinesisThroughputLimits(boolean enforce) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts,
                strictSignatures, accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl,
                httpDeliveryTimeout, enforce, firehoseBuckets);
    }

    public AwsApiSettings withFirehoseBuckets(Map<String, String> buckets) {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts,
                strictSignatures, accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl,
                httpDeliveryTimeout, kinesisThroughputLimits, buckets);
    }

    /** The virtual host of an account in a region: {@code account:region}, then {@code account}, then "/" for the default account. */
    public String vhostOf(String accountId, String inRegion) {
        String v = accountVhosts.get(accountId + ":" + inRegion);
        if (v == null) {
            v = accountVhosts.get(accountId);
        }
        if (v == null && defaultAccountId.equals(accountId)) {
            v = "/";
        }
        return v;
    }
}
