package io.ferrymq.aws;

import java.time.Duration;
import java.util.Map;

/**
 * Builds {@link AwsApiSettings} by name, starting from existing settings (usually {@link AwsApiSettings#defaults()}),
 * so that a caller setting a few of its twelve values cannot put one in another's place.
 */
public final class AwsApiSettingsBuilder {

    private long maxMessageBytes;
    private String queueUrlBase;
    private String region;
    private String defaultAccountId;
    private Map<String, String> accountVhosts;
    private boolean strictSignatures;
    private Map<String, AwsApiSettings.AccessKey> accessKeys;
    private String defaultUser;
    private boolean allowRemoteUnsigned;
    private Duration maxClockSkew;
    private String publicBaseUrl;
    private Duration httpDeliveryTimeout;
    private boolean kinesisThroughputLimits;
    private Map<String, String> firehoseBuckets;

    private AwsApiSettingsBuilder(AwsApiSettings from) {
        maxMessageBytes = from.maxMessageBytes();
        queueUrlBase = from.queueUrlBase();
        region = from.region();
        defaultAccountId = from.defaultAccountId();
        accountVhosts = from.accountVhosts();
        strictSignatures = from.strictSignatures();
        accessKeys = from.accessKeys();
        defaultUser = from.defaultUser();
        allowRemoteUnsigned = from.allowRemoteUnsigned();
        maxClockSkew = from.maxClockSkew();
        publicBaseUrl = from.publicBaseUrl();
        httpDeliveryTimeout = from.httpDeliveryTimeout();
        kinesisThroughputLimits = from.kinesisThroughputLimits();
        firehoseBuckets = from.firehoseBuckets();
    }

    public static AwsApiSettingsBuilder from(AwsApiSettings settings) {
        return new AwsApiSettingsBuilder(settings);
    }

    public AwsApiSettingsBuilder maxMessageBytes(long v) {
        maxMessageBytes = v;
        return this;
    }

    public AwsApiSettingsBuilder queueUrlBase(String v) {
        queueUrlBase = v;
        return this;
    }

    public AwsApiSettingsBuilder region(String v) {
        region = v;
        return this;
    }

    public AwsApiSettingsBuilder defaultAccountId(String v) {
        defaultAccountId = v;
        return this;
    }

    public AwsApiSettingsBuilder accountVhosts(Map<String, String> v) {
        accountVhosts = v;
        return this;
    }

    public AwsApiSettingsBuilder strictSignatures(boolean v) {
        strictSignatures = v;
        return this;
    }

    public AwsApiSettingsBuilder accessKeys(Map<String, AwsApiSettings.AccessKey> v) {
        accessKeys = v;
        return this;
    }

    public AwsApiSettingsBuilder defaultUser(String v) {
        defaultUser = v;
        return this;
    }

    public AwsApiSettingsBuilder allowRemoteUnsigned(boolean v) {
        allowRemoteUnsigned = v;
        return this;
    }

    public AwsApiSettingsBuilder maxClockSkew(Duration v) {
        maxClockSkew = v;
        return this;
    }

    public AwsApiSettingsBuilder publicBaseUrl(String v) {
        publicBaseUrl = v;
        return this;
    }

    public AwsApiSettingsBuilder httpDeliveryTimeout(Duration v) {
        httpDeliveryTimeout = v;
        return this;
    }

    public AwsApiSettingsBuilder kinesisThroughputLimits(boolean v) {
        kinesisThroughputLimits = v;
        return this;
    }

    public AwsApiSettingsBuilder firehoseBuckets(Map<String, String> v) {
        firehoseBuckets = v;
        return this;
    }

    /** @throws IllegalArgumentException for values {@link AwsApiSettings} refuses */
    public AwsApiSettings build() {
        return new AwsApiSettings(maxMessageBytes, queueUrlBase, region, defaultAccountId, accountVhosts,
                strictSignatures, accessKeys, defaultUser, allowRemoteUnsigned, maxClockSkew, publicBaseUrl,
                httpDeliveryTimeout, kinesisThroughputLimits, firehoseBuckets);
    }
}
