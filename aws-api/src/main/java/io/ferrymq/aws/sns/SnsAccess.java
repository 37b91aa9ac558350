package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.security.Permission;

import java.util.Map;
import java.util.Set;

/**
 * Which broker permission each SNS action needs on the topic (its fanout exchange) it addresses, checked
 * before the action runs: configuration (topic attributes, tags, policy) needs manage; reading needs consume
 * or manage; publishing needs send; subscribing, and changing or ending a subscription, consume.
 */
final class SnsAccess {

    private static final Set<Permission> SEND = Set.of(Permission.SEND);
    private static final Set<Permission> CONSUME = Set.of(Permission.CONSUME);
    private static final Set<Permission> MANAGE = Set.of(Permission.MANAGE);

    /**
     * Every action and what it needs. ListTopics and ListSubscriptions show only topics the caller holds some
     * permission on. SetSubscriptionAttributes needs what Subscribe needs, since Subscribe sets the same
     * attributes. Confirmation and unsubscribe links followed without credentials carry their own token, as on AWS.
     */
    static final Map<String, Set<Permission>> NEEDS = Map.ofEntries(
            Map.entry("CreateTopic", Set.of(Permission.CREATE)),
            Map.entry("DeleteTopic", Set.of(Permission.DELETE)),
            Map.entry("ListTopics", ActionPermissions.ANY),
            Map.entry("ListSubscriptions", ActionPermissions.ANY),
            Map.entry("GetTopicAttributes", ActionPermissions.READ),
            Map.entry("ListSubscriptionsByTopic", ActionPermissions.READ),
            Map.entry("GetSubscriptionAttributes", ActionPermissions.READ),
            Map.entry("ListTagsForResource", ActionPermissions.READ),
            Map.entry("SetTopicAttributes", MANAGE),
            Map.entry("TagResource", MANAGE),
            Map.entry("UntagResource", MANAGE),
            Map.entry("AddPermission", MANAGE),
            Map.entry("RemovePermission", MANAGE),
            Map.entry("Publish", SEND),
            Map.entry("PublishBatch", SEND),
            Map.entry("Subscribe", CONSUME),
            Map.entry("ConfirmSubscription", CONSUME),
            Map.entry("Unsubscribe", CONSUME),
            Map.entry("SetSubscriptionAttributes", CONSUME));

    private final SnsRegistry registry;

    SnsAccess(SnsRegistry registry) {
        this.registry = registry;
    }

    /**
     * Refuses the action unless the caller may do it. Topics and subscriptions this cannot find are left for
     * the action itself to report.
     *
     * @throws io.ferrymq.core.errors.BrokerException UNAUTHORIZED
     */
    void check(String action, JsonNode in, RequestContext ctx) {
        if (ctx.caller() == null) {
            return;
        }
        Set<Permission> needs = NEEDS.get(action);
        switch (action) {
            case "ListTopics", "ListSubscriptions" -> {
                // Filtered: only topics the caller may see are listed.
            }
            case "CreateTopic" -> {
                String name = Inputs.string(in, "Name");
                if (name != null) {
                    ActionPermissions.require(ctx.session(), action, needs, name);
                }
            }
            case "Unsubscribe", "GetSubscriptionAttributes", "SetSubscriptionAttributes" -> {
                String arn = Inputs.string(in, "SubscriptionArn");
                SubscriptionMeta s = arn == null ? null : registry.subscription(arn);
                require(ctx, action, needs, s == null ? null : registry.topic(s.topicArn()));
            }
            case "TagResource", "UntagResource", "ListTagsForResource" -> require(ctx, action, needs,
                    topic(Inputs.string(in, "ResourceArn")));
            case "Publish" -> {
                String arn = Inputs.string(in, "TopicArn");
                require(ctx, action, needs, topic(arn != null ? arn : Inputs.string(in, "TargetArn")));
            }
            default -> require(ctx, action, needs, topic(Inputs.string(in, "TopicArn")));
        }
    }

    /** Whether listings show the topic to the caller. */
    static boolean listed(RequestContext ctx, TopicMeta t) {
        return t != null && ActionPermissions.visible(ctx.session(t.vhost()), t.name());
    }

    private TopicMeta topic(String arn) {
        return arn == null ? null : registry.topic(arn);
    }

    private static void require(RequestContext ctx, String action, Set<Permission> needs, TopicMeta t) {
        if (t != null) {
            ActionPermissions.require(ctx.session(t.vhost()), action, needs, t.name());
        }
    }
}
