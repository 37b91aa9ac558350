package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.Admin;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The exchange and queue classes: declare, delete, bind, unbind, purge, through the session's {@link Admin}. */
final class Declarations {

    private final Amqp091Channel ch;

    Declarations(Amqp091Channel ch) {
        this.ch = ch;
    }

    private Admin admin() {
        return ch.session().admin();
    }

    // ------------------------------------------------------------------ exchange class

    void exchangeDeclare(Method m) {
        String name = m.str(1);
        String typeName = m.str(2);
        boolean passive = m.bit(3);
        boolean noWait = m.bit(7);
        Map<String, Object> args = m.table(8);
        refuseDefaultExchange(name);
        if (passive) {
            if (!admin().exchangeExists(name)) {
                throw BrokerException.notFound("no exchange '" + name + "' in vhost '" + ch.session().vhostName() + "'");
            }
            ok(noWait, new Method(MethodSpec.EXCHANGE_DECLARE_OK));
            return;
        }
        ExchangeType type;
        try {
            type = ExchangeType.parse(typeName);
        } catch (IllegalArgumentException e) {
            throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "invalid exchange type '" + typeName
                    + "': this broker has direct, fanout, topic and headers exchanges");
        }
        ExchangeDeclaration d = new ExchangeDeclaration(name, type, m.bit(4), m.bit(5), m.bit(6), args, false);
        ch.reply(admin().declareExchange(d), m, noWait, v -> new Method(MethodSpec.EXCHANGE_DECLARE_OK));
    }

    void exchangeDelete(Method m) {
        String name = m.str(1);
        refuseDefaultExchange(name);
        CompletableFuture<Void> deleted = missingIsDone(admin().deleteExchange(name, m.bit(2)));
        ch.reply(deleted, m, m.bit(3), v -> new Method(MethodSpec.EXCHANGE_DELETE_OK));
    }

    /** exchange.bind and unbind: destination, source, key, arguments. */
    void exchangeBind(Method m) {
        boolean bind = m.spec() == MethodSpec.EXCHANGE_BIND;
        String destination = m.str(1);
        String source = m.str(2);
        refuseDefaultExchange(destination);
        refuseDefaultExchange(source);
        BindingDeclaration d = new BindingDeclaration(source, BindingTarget.Kind.EXCHANGE, destination, m.str(3),
                m.table(5), null);
        Method ok = new Method(bind ? MethodSpec.EXCHANGE_BIND_OK : MethodSpec.EXCHANGE_UNBIND_OK);
        CompletableFuture<Void> op = bind ? admin().bind(d)
                : unbindIgnoringMissingBinding(d, admin().exchangeExists(source) && admin().exchangeExists(destination));
        ch.reply(op, m, m.bit(4), v -> ok);
    }

    private static void refuseDefaultExchange(String name) {
        if (name.isEmpty()) {
            throw BrokerException.unauthorized("operation not permitted on the default exchange");
        }
    }

    // ------------------------------------------------------------------ queue class

    void queueDeclare(Method m) {
        String name = m.str(1);
        boolean passive = m.bit(2);
        boolean noWait = m.bit(6);
        QueueDeclaration d;
        if (passive && (name.equals(DirectReplyTo.PSEUDO_QUEUE) || ch.conn.directReplyTo.exists(name))) {
            // Direct reply-to's pseudo-queue and live reply addresses exist, empty and without consumers.
            ok(noWait, new Method(MethodSpec.QUEUE_DECLARE_OK, name, 0L, 0L));
            return;
        }
        if (passive) {
            d = QueueDeclaration.passive(ch.queueName(name));
        } else {
            boolean durable = m.bit(3);
            d = new QueueDeclaration(name, durable, m.bit(4), m.bit(5), QueueArguments.check(m.table(7), durable),
                    false);
        }
        CompletableFuture<io.ferrymq.core.vhost.QueueInfo> declared = !passive
                && StreamQueues.TYPE.equals(String.valueOf(d.arguments().get(StreamQueues.QUEUE_TYPE)))
                ? ch.conn.streamQueues.declare(ch.session(), d, ch.conn.executor()) : admin().declareQueue(d);
        ch.reply(declared, m, noWait, info -> {
            ch.lastQueue = info.name();
            return new Method(MethodSpec.QUEUE_DECLARE_OK, info.name(), info.messageCount(),
                    (long) info.consumerCount());
        });
        if (noWait && !name.isEmpty()) {
            ch.lastQueue = name;
        }
    }

    void queueBind(Method m) {
        String queue = ch.queueName(m.str(1));
        String exchange = m.str(2);
        refuseDefaultExchange(exchange);
        BindingDeclaration d = new BindingDeclaration(exchange, BindingTarget.Kind.QUEUE, queue, m.str(3), m.table(5),
                null);
        ch.reply(admin().bind(d), m, m.bit(4), v -> new Method(MethodSpec.QUEUE_BIND_OK));
    }

    void queueUnbind(Method m) {
        String queue = ch.queueName(m.str(1));
        String exchange = m.str(2);
        refuseDefaultExchange(exchange);
        BindingDeclaration d = new BindingDeclaration(exchange, BindingTarget.Kind.QUEUE, queue, m.str(3), m.table(4),
                null);
        boolean bothExist = admin().queueExists(queue) && admin().exchangeExists(exchange);
        ch.reply(unbindIgnoringMissingBinding(d, bothExist), m, false, v -> new Method(MethodSpec.QUEUE_UNBIND_OK));
    }

    void queuePurge(Method m) {
        String queue = ch.queueName(m.str(1));
        ch.reply(admin().purgeQueue(queue), m, m.bit(2), n -> new Method(MethodSpec.QUEUE_PURGE_OK, n));
    }

    void queueDelete(Method m) {
        String queue = ch.queueName(m.str(1));
        boolean stream = StreamQueues.isStream(ch.session(), queue);
        // RabbitMQ answers delete-ok for a queue that is already gone: deleting is idempotent.
        CompletableFuture<Long> deleted = admin().deleteQueue(queue, m.bit(2), m.bit(3))
                .exceptionallyCompose(t -> isNotFound(t) ? CompletableFuture.completedFuture(0L)
                        : CompletableFuture.failedFuture(t));
        if (stream) {
            // A stream queue's log goes with it.
            deleted = deleted.thenCompose(n -> ch.conn.streamQueues.deleted(ch.session(), queue, ch.conn.executor())
                    .thenApply(v -> n));
        }
        ch.reply(deleted, m, m.bit(4), n -> new Method(MethodSpec.QUEUE_DELETE_OK, n));
    }

    // ------------------------------------------------------------------ helpers

    /** Unbinding what is not bound succeeds, as in RabbitMQ; a missing queue or exchange is still 404. */
    private CompletableFuture<Void> unbindIgnoringMissingBinding(BindingDeclaration d, boolean bothExist) {
        CompletableFuture<Void> op = admin().unbind(d);
        return bothExist ? missingIsDone(op) : op;
    }

    private static CompletableFuture<Void> missingIsDone(CompletableFuture<Void> op) {
        return op.exceptionallyCompose(t -> isNotFound(t) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(t));
    }

    private static boolean isNotFound(Throwable t) {
        return BrokerException.from(t).code() == ErrorCode.NOT_FOUND;
    }

    private void ok(boolean noWait, Method ok) {
        if (!noWait) {
            ch.conn.send(ch.number, ok);
        }
    }
}
