package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.BasicProperties;
import io.ferrymq.amqp091.codec.Frame;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The publishing side of a channel: basic.publish with its content header and body frames, mandatory
 * returns, publisher confirms (an ack once the send's future completes, so once the message is stored
 * where it must be) and the tx class over the session's transactions.
 */
final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** RabbitMQ's default max_message_size. */
    static final long MAX_MESSAGE_SIZE = 128L * 1024 * 1024;

    private final Amqp091Channel ch;
    private Method publish;
    private BasicProperties properties;
    private byte[] body;
    private int bodyRead;
    private boolean confirming;
    private long publishSeq;
    private Tx tx;
    /** Direct replies published in the open transaction: sent at commit. */
    private final List<Runnable> txReplies = new ArrayList<>();

    Publisher(Amqp091Channel ch) {
        this.ch = ch;
    }

    boolean confirming() {
        return confirming;
    }

    boolean transactional() {
        return tx != null;
    }

    boolean expectsContent() {
        return publish != null;
    }

    void publish(Method m) {
        if (m.bit(4)) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "immediate=true");
        }
        publish = m;
        properties = null;
    }

    /** A content header or body frame of the publish in progress. */
    void onContent(Frame frame) {
        if (frame instanceof Frame.MethodFrame mf) {
            throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "expected content header for class 60, got '"
                    + mf.method().spec().wireName() + "'");
        }
        if (properties == null) {
            if (!(frame instanceof Frame.HeaderFrame h)) {
                throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "expected content header for class 60,"
                        + " got a body frame");
            }
            if (h.classId() != 60) {
                throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "content header for class " + h.classId()
                        + ", expected 60 (basic)");
            }
            if (h.bodySize() > MAX_MESSAGE_SIZE) {
                Method m = publish;
                publish = null;
                ch.error(ReplyCodes.PRECONDITION_FAILED, "message size " + h.bodySize()
                        + " is larger than configured max size " + MAX_MESSAGE_SIZE, m);
                return;
            }
            properties = h.properties();
            body = new byte[(int) h.bodySize()];
            bodyRead = 0;
        } else {
            if (!(frame instanceof Frame.BodyFrame b)) {
                throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "expected a content body frame");
            }
            if (bodyRead + b.bytes().length > body.length) {
                throw new AmqpFrameException(ReplyCodes.FRAME_ERROR, "content body is longer than the "
                        + body.length + " bytes its header announced");
            }
            System.arraycopy(b.bytes(), 0, body, bodyRead, b.bytes().length);
            bodyRead += b.bytes().length;
        }
        if (bodyRead == body.length) {
            Method m = publish;
            BasicProperties p = properties;
            byte[] bytes = body;
            publish = null;
            properties = null;
            body = null;
            try {
                send(m, p, bytes);
            } catch (BrokerException e) {
                ch.error(e, m);
            }
        }
    }

    private void send(Method m, BasicProperties published, byte[] bytes) {
        String exchange = m.str(1);
        String key = m.str(2);
        boolean mandatory = m.bit(3);
        String user = ch.session().principal().name();
        if (published.userId() != null && !published.userId().equals(user)) {
            throw BrokerException.preconditionFailed("user_id property set to '" + published.userId()
                    + "' but authenticated user was '" + user + "'");
        }
        BasicProperties p = published;
        if (DirectReplyTo.PSEUDO_QUEUE.equals(p.replyTo())) {
            String address = ch.consumers.replyAddress();
            if (address == null) {
                throw BrokerException.preconditionFailed("fast reply consumer does not exist");
            }
            p = p.withReplyTo(address);
        }
        BasicProperties props = p;
        if (exchange.isEmpty() && DirectReplyTo.isReplyAddress(key)) {
            sendReply(key, p, bytes);
            return;
        }
        Message message = Amqp091Messages.toMessage(p, bytes, ch.conn.broker.currentTimeMillis());
        long seq = confirming ? ++publishSeq : 0;
        Tx inTx = tx;
        ch.conn.publishStarted();
        ch.session().send(Route.exchange(exchange, key), message, inTx).whenComplete((result, t) -> {
            ch.conn.publishDone();
            if (!ch.isOpen()) {
                return;
            }
            if (t != null) {
                BrokerException e = BrokerException.from(t);
                if (e.code() == ErrorCode.RESOURCE_LIMIT_EXCEEDED || e.code() == ErrorCode.DISK_FULL) {
                    // A full queue (reject-publish) or disk: nacked under confirms, dropped otherwise, as RabbitMQ.
                    LOG.debug("AMQP 0-9-1 connection {} channel {}: publish to '{}' refused: {}",
                            ch.conn.connectionId, ch.number, exchange, e.getMessage());
                    if (seq > 0) {
                        ch.conn.send(ch.number, new Method(MethodSpec.BASIC_NACK, seq, false, false));
                    }
                    return;
                }
                if (e.code() == ErrorCode.INVALID_ARGUMENT && ch.session().admin().exchangeExists(exchange)) {
                    // The core's word for an internal exchange: RabbitMQ refuses it as access.
                    ch.error(ReplyCodes.ACCESS_REFUSED, e.getMessage(), m);
                    return;
                }
                ch.error(e, m);
                return;
            }
            if (mandatory && inTx == null && result.queues() == 0) {
                ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_RETURN, ReplyCodes.NO_ROUTE, "NO_ROUTE",
                        exchange, key), props, bytes);
            }
            if (seq > 0) {
                ch.conn.write(ch.number, new Method(MethodSpec.BASIC_ACK, seq, false));
            }
            ch.conn.ctx.flush();
        });
    }

    /**
     * A reply to a direct reply-to address: straight to its consumer, through no queue, so confirmed at once;
     * in a transaction, at commit. Dropped when its consumer is gone, as in RabbitMQ.
     */
    private void sendReply(String address, BasicProperties p, byte[] bytes) {
        if (tx != null) {
            txReplies.add(() -> ch.conn.directReplyTo.deliver(address, p, bytes));
        } else if (!ch.conn.directReplyTo.deliver(address, p, bytes)) {
            LOG.debug("AMQP 0-9-1 connection {} channel {}: reply to {} dropped, its consumer is gone",
                    ch.conn.connectionId, ch.number, address);
        }
        if (confirming) {
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_ACK, ++publishSeq, false));
        }
    }

    // ------------------------------------------------------------------ confirm and tx classes

    void confirmSelect(Method m) {
        if (tx != null) {
            throw BrokerException.preconditionFailed("cannot switch from tx to confirm mode");
        }
        confirming = true;
        if (!m.bit(0)) {
            ch.conn.send(ch.number, new Method(MethodSpec.CONFIRM_SELECT_OK));
        }
    }

    void txSelect() {
        if (confirming) {
            throw BrokerException.preconditionFailed("cannot switch from confirm to tx mode");
        }
        if (tx == null) {
            tx = ch.session().begin();
        }
        ch.conn.send(ch.number, new Method(MethodSpec.TX_SELECT_OK));
    }

    void txCommit(Method m) {
        Tx committing = requireTx();
        ch.consumers.commitSettlements(committing);
        List<Runnable> replies = List.copyOf(txReplies);
        txReplies.clear();
        // Later publishes and acks belong to the next transaction, whatever the commit's outcome.
        tx = ch.session().begin();
        ch.reply(ch.session().commit(committing).thenRun(() -> replies.forEach(Runnable::run)), m, false,
                v -> new Method(MethodSpec.TX_COMMIT_OK));
    }

    void txRollback() {
        Tx rolling = requireTx();
        tx = ch.session().begin();
        ch.session().rollback(rolling);
        ch.consumers.rollbackSettlements();
        txReplies.clear();
        ch.conn.send(ch.number, new Method(MethodSpec.TX_ROLLBACK_OK));
    }

    private Tx requireTx() {
        if (tx == null) {
            throw BrokerException.preconditionFailed("channel is not transactional");
        }
        return tx;
    }

    void release() {
        publish = null;
        body = null;
        if (tx != null && tx.isOpen() && !ch.session().isClosed()) {
            ch.session().rollback(tx);
        }
        tx = null;
    }
}
