package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.security.Permission;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which broker permission each SQS action needs on the queue it addresses, checked before the action runs:
 * changing a queue's configuration (attributes, tags, policy) needs manage; reading its state needs consume
 * or manage; messages need send or consume; creating, deleting and purging need create and delete.
 */
final class SqsAccess {

    private static final Set<Permission> SEND = Set.of(Permission.SEND);
    private static final Set<Permission> CONSUME = Set.of(Permission.CONSUME);
    private static final Set<Permission> CREATE = Set.of(Permission.CREATE);
    private static final Set<Permission> DELETE = Set.of(Permission.DELETE);
    private static final Set<Permission> MANAGE = Set.of(Permission.MANAGE);

    /**
     * Every action and what it needs. ListQueues shows only the queues the caller holds some permission on;
     * StartMessageMoveTask also needs send on where the messages go.
     */
    static final Map<String, Set<Permission>> NEEDS = Map.ofEntries(
            Map.entry("CreateQueue", CREATE),
            Map.entry("DeleteQueue", DELETE),
            Map.entry("PurgeQueue", DELETE),
            Map.entry("GetQueueUrl", ActionPermissions.ANY),
            Map.entry("ListQueues", ActionPermissions.ANY),
            Map.entry("GetQueueAttributes", ActionPermissions.READ),
            Map.entry("ListQueueTags", ActionPermissions.READ),
            Map.entry("ListDeadLetterSourceQueues", ActionPermissions.READ),
            Map.entry("ListMessageMoveTasks", ActionPermissions.READ),
            Map.entry("SetQueueAttributes", MANAGE),
            Map.entry("TagQueue", MANAGE),
            Map.entry("UntagQueue", MANAGE),
            Map.entry("AddPermission", MANAGE),
            Map.entry("RemovePermission", MANAGE),
            Map.entry("SendMessage", SEND),
            Map.entry("SendMessageBatch", SEND),
            Map.entry("ReceiveMessage", CONSUME),
            Map.entry("DeleteMessage", CONSUME),
            Map.entry("DeleteMessageBatch", CONSUME),
            Map.entry("ChangeMessageVisibility", CONSUME),
            Map.entry("ChangeMessageVisibilityBatch", CONSUME),
            Map.entry("StartMessageMoveTask", CONSUME),
            Map.entry("CancelMessageMoveTask", CONSUME));

    private final SqsQueues queues;
    private final SqsQueueActions queueActions;
    private final Function<String, String> taskSource;

    /** @param taskSource the source queue ARN of a message move task handle, or null when it names no task */
    SqsAccess(SqsQueues queues, SqsQueueActions queueActions, Function<String, String> taskSource) {
        this.queues = queues;
        this.queueActions = queueActions;
        this.taskSource = taskSource;
    }

    /**
     * Refuses the action unless the caller may do it. Parameters this cannot find are left for the action
     * itself to report (missing or unknown queues answer as they always did).
     *
     * @throws io.ferrymq.core.errors.BrokerException UNAUTHORIZED
     */
    void check(String action, JsonNode in, RequestContext ctx) {
        Set<Permission> needs = NEEDS.get(action);
        switch (action) {
            case "ListQueues" -> {
                // Filtered: only queues the caller may see are listed.
            }
            case "CreateQueue" -> {
                String name = Inputs.string(in, "QueueName");
                if (name != null) {
                    ActionPermissions.require(ctx.session(), action, needs, name);
                }
            }
            case "GetQueueUrl" -> {
                String name = Inputs.string(in, "QueueName");
                if (name != null) {
                    String owner = Inputs.string(in, "QueueOwnerAWSAccountId");
                    String account = owner == null || owner.isEmpty() ? ctx.caller().accountId() : owner;
                    require(ctx, action, needs, queues.byName(ctx, account, name));
                }
            }
            case "StartMessageMoveTask" -> {
                SqsQueues.Target source = byArn(ctx, Inputs.string(in, "SourceArn"));
                if (source == null) {
                    return;
                }
                require(ctx, action, needs, source);
                SqsQueues.Target destination = byArn(ctx, Inputs.string(in, "DestinationArn"));
                if (destination != null) {
                    require(ctx, action, SEND, destination);
                } else if (Inputs.string(in, "DestinationArn") == null) {
                    // Without a destination the messages go back to the queues they came from.
                    for (QueueRegistry.Entry e : queueActions.sources(queues.arn(ctx, source), ctx)) {
                        ActionPermissions.require(ctx.session(e.vhost()), action, SEND, e.name());
                    }
                }
            }
            case "ListMessageMoveTasks" -> require(ctx, action, needs, byArn(ctx, Inputs.string(in, "SourceArn")));
            case "CancelMessageMoveTask" -> {
                String handle = Inputs.string(in, "TaskHandle");
                require(ctx, action, needs, handle == null ? null : byArn(ctx, taskSource.apply(handle)));
            }
            default -> require(ctx, action, needs, queues.byUrl(ctx, Inputs.string(in, "QueueUrl")));
        }
    }

    /** Whether ListQueues shows the queue to the caller. */
    static boolean listed(RequestContext ctx, String queue) {
        return ActionPermissions.visible(ctx.session(), queue);
    }

    private SqsQueues.Target byArn(RequestContext ctx, String arn) {
        return arn == null ? null : queues.byArn(ctx, arn);
    }

    private static void require(RequestContext ctx, String action, Set<Permission> needs, SqsQueues.Target t) {
        if (t != null) {
            ActionPermissions.require(ctx.session(t.vhost()), action, needs, t.name());
        }
    }
}
