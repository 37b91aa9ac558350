package io.ferrymq.aws;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the SQS and SNS APIs with the server and reads their {@code aws} section; the defaults are
 * {@link AwsApiSettings#defaults()}. Access keys must act as users the {@code security} section declares.
 */
public final class AwsApiProtocolFactory implements ProtocolFactory<AwsApiSettings> {

    @Override
    public String name() {
        return AwsApiProtocol.NAME;
    }

    @Override
    public AwsApiSettings settings(ProtocolSection s, ConfiguredUsers users) {
        AwsApiSettings d = AwsApiSettings.defaults();
        AwsApiSettingsBuilder b = AwsApiSettingsBuilder.from(d)
                .maxMessageBytes(s.bytes("max-message-size", d.maxMessageBytes()))
                .queueUrlBase(s.string("queue-url-base", d.queueUrlBase()))
                .region(s.string("region", d.region()))
                .defaultAccountId(s.string("default-account", d.defaultAccountId()))
                .accountVhosts(s.stringMap("account-vhosts", d.accountVhosts()))
                .defaultUser(s.string("default-user", d.defaultUser()))
                .allowRemoteUnsigned(s.bool("allow-remote-unsigned", d.allowRemoteUnsigned()))
                .maxClockSkew(s.duration("max-clock-skew", d.maxClockSkew()))
                .publicBaseUrl(s.string("public-base-url", d.publicBaseUrl()))
                .httpDeliveryTimeout(s.duration("http-delivery-timeout", d.httpDeliveryTimeout()))
                .kinesisThroughputLimits(s.bool("kinesis-throughput-limits", d.kinesisThroughputLimits()))
                .firehoseBuckets(s.stringMap("firehose-buckets", d.firehoseBuckets()));
        boolean strict = s.bool("strict-signatures", d.strictSignatures());
        Map<String, AwsApiSettings.AccessKey> keys = accessKeys(s, users);
        s.rejectUnknown();
        if (strict && keys.isEmpty()) {
            throw new SettingException(s.setting("strict-signatures") + " needs at least one entry in "
                    + s.setting("access-keys"));
        }
        try {
            return b.strictSignatures(strict).accessKeys(keys).build();
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, AwsApiSettings settings) {
        return new AwsApiProtocol(broker, settings);
    }

    private static Map<String, AwsApiSettings.AccessKey> accessKeys(ProtocolSection s, ConfiguredUsers users) {
        String at = s.setting("access-keys");
        Map<String, AwsApiSettings.AccessKey> keys = new LinkedHashMap<>();
        for (ProtocolSection k : s.sections("access-keys")) {
            String id = k.string("id", null);
            String secret = k.string("secret", null);
            String user = k.string("user", null);
            String account = k.string("account", null);
            k.rejectUnknown();
            if (id == null || secret == null || user == null) {
                throw new SettingException(at + ": every key needs an id, a secret and a user");
            }
            if (!users.names().contains(user)) {
                throw new SettingException(at + ": key " + id + " acts as user '" + user
                        + "', who is not in security.users");
            }
            if (keys.put(id, new AwsApiSettings.AccessKey(secret, user, account)) != null) {
                throw new SettingException(at + ": key " + id + " is listed twice");
            }
        }
        return keys;
    }
}
