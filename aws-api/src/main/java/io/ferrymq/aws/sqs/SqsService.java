package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.aws.wire.QueryInput;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.aws.wire.XmlOutput;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.errors.BrokerException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Amazon SQS on the broker's queues: its 23 actions over the Query and JSON 1.0 protocols. */
public final class SqsService implements AwsService {

    /** Every action this service answers. */
    public static final Set<String> ACTIONS = Set.of("CreateQueue", "DeleteQueue", "GetQueueUrl", "ListQueues",
            "GetQueueAttributes", "SetQueueAttributes", "PurgeQueue", "SendMessage", "SendMessageBatch",
            "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
            "ChangeMessageVisibilityBatch", "ListDeadLetterSourceQueues", "TagQueue", "UntagQueue", "ListQueueTags",
            "AddPermission", "RemovePermission", "StartMessageMoveTask", "CancelMessageMoveTask",
            "ListMessageMoveTasks");

    private final SqsQueues queues;
    private final SqsQueueActions queueActions;
    private final SqsMessages messages;
    private final MoveTasks moveTasks;
    private final SqsAccess access;

    public SqsService(Broker broker, AwsApiSettings settings, SystemSessions system, MessageRenderer renderer) {
        this.queues = new SqsQueues(settings, new QueueRegistry(broker));
        this.queueActions = new SqsQueueActions(settings, queues);
        this.messages = new SqsMessages(settings, queues, new ReceiptHandles(), renderer,
                broker::currentTimeMillis);
        this.moveTasks = new MoveTasks(broker, queues, queueActions, system);
        this.access = new SqsAccess(queues, queueActions, MoveTasks::sourceOf);
    }

    /** Picks up work that was under way when the broker stopped (message move tasks). */
    public void start() {
        moveTasks.resume();
    }

    public SqsQueues queues() {
        return queues;
    }

    @Override
    public String signingName() {
        return "sqs";
    }

    @Override
    public String apiVersion() {
        return "2012-11-05";
    }

    @Override
    public String xmlNamespace() {
        return "http://queue.amazonaws.com/doc/2012-11-05/";
    }

    @Override
    public boolean hasAction(String action) {
        return ACTIONS.contains(action);
    }

    @Override
    public String successfulElement(String action) {
        return switch (action) {
            case "SendMessageBatch" -> "SendMessageBatchResultEntry";
            case "DeleteMessageBatch" -> "DeleteMessageBatchResultEntry";
            case "ChangeMessageVisibilityBatch" -> "ChangeMessageVisibilityBatchResultEntry";
            default -> null;
        };
    }

    @Override
    public Map<String, XmlOutput.Shape> xmlShapes() {
        return XmlOutput.SQS_SHAPES;
    }

    @Override
    public Map<String, QueryInput.Rule> queryRules() {
        return QueryInput.SQS;
    }

    @Override
    public CompletableFuture<JsonNode> handle(String action, JsonNode in, RequestContext ctx) {
        access.check(action, in, ctx);
        return switch (action) {
            case "CreateQueue" -> queueActions.createQueue(in, ctx);
            case "DeleteQueue" -> queueActions.deleteQueue(in, ctx);
            case "GetQueueUrl" -> queueActions.getQueueUrl(in, ctx);
            case "ListQueues" -> queueActions.listQueues(in, ctx);
            case "GetQueueAttributes" -> queueActions.getQueueAttributes(in, ctx);
            case "SetQueueAttributes" -> queueActions.setQueueAttributes(in, ctx);
            case "PurgeQueue" -> queueActions.purgeQueue(in, ctx);
            case "ListDeadLetterSourceQueues" -> queueActions.listDeadLetterSourceQueues(in, ctx);
            case "TagQueue" -> queueActions.tagQueue(in, ctx);
            case "UntagQueue" -> queueActions.untagQueue(in, ctx);
            case "ListQueueTags" -> queueActions.listQueueTags(in, ctx);
            case "AddPermission" -> queueActions.addPermission(in, ctx);
            case "RemovePermission" -> queueActions.removePermission(in, ctx);
            case "SendMessage" -> messages.sendMessage(in, ctx);
            case "SendMessageBatch" -> messages.sendMessageBatch(in, ctx);
            case "ReceiveMessage" -> messages.receiveMessage(in, ctx);
            case "DeleteMessage" -> messages.deleteMessage(in, ctx);
            case "DeleteMessageBatch" -> messages.deleteMessageBatch(in, ctx);
            case "ChangeMessageVisibility" -> messages.changeMessageVisibility(in, ctx);
            case "ChangeMessageVisibilityBatch" -> messages.changeMessageVisibilityBatch(in, ctx);
            case "StartMessageMoveTask" -> moveTasks.start(in, ctx);
            case "CancelMessageMoveTask" -> moveTasks.cancel(in, ctx);
            case "ListMessageMoveTasks" -> moveTasks.list(in, ctx);
            default -> throw AwsError.badRequest("InvalidAction", "The action " + action + " is not valid for this endpoint.");
        };
    }

    @Override
    public AwsError translate(Throwable t) {
        if (t instanceof AwsError e) {
            return e;
        }
        if (t instanceof BrokerException be) {
            return SqsErrors.from(be, io.ferrymq.aws.wire.WireProtocol.JSON);
        }
        return new AwsError("InternalError", "InternalError", 500, false, "internal error: " + t);
    }
}
