package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.BasicProperties;
import io.ferrymq.amqp091.codec.Frame;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One AMQP 0-9-1 channel: hands each method to the part that deals with it ({@link Declarations},
 * {@link Consumers}, {@link Publisher}) and closes itself on a channel error. After its channel.close
 * it discards everything until the client's close-ok, as the spec says.
 */
final class Amqp091Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Amqp091Channel.class);

    final Amqp091Connection conn;
    final int number;
    final Declarations declarations = new Declarations(this);
    final Consumers consumers = new Consumers(this);
    final Publisher publisher = new Publisher(this);
    private boolean closing;
    private boolean released;
    /** The queue this channel declared last: an empty queue name in later methods means it. */
    String lastQueue;

    Amqp091Channel(Amqp091Connection conn, int number) {
        this.conn = conn;
        this.number = number;
    }

    Session session() {
        return conn.session;
    }

    ChannelInfo info() {
        return consumers.info(number, publisher.transactional(), publisher.confirming());
    }

    boolean isOpen() {
        return !closing && !released && conn.isOpen();
    }

    void handle(Frame frame) {
        if (closing) {
            if (frame instanceof Frame.MethodFrame mf) {
                if (mf.method().spec() == MethodSpec.CHANNEL_CLOSE_OK) {
                    conn.channelReleased(number);
                } else if (mf.method().spec() == MethodSpec.CHANNEL_CLOSE) {
                    conn.send(number, new Method(MethodSpec.CHANNEL_CLOSE_OK));
                    conn.channelReleased(number);
                }
            }
            return;
        }
        if (publisher.expectsContent()) {
            publisher.onContent(frame);
            return;
        }
        if (!(frame instanceof Frame.MethodFrame mf)) {
            throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "content frame on channel " + number
                    + " without a basic.publish before it");
        }
        Method m = mf.method();
        try {
            dispatch(m);
        } catch (BrokerException e) {
            error(e, m);
        }
    }

    private void dispatch(Method m) {
        switch (m.spec()) {
            case CHANNEL_CLOSE -> {
                release();
                conn.send(number, new Method(MethodSpec.CHANNEL_CLOSE_OK));
                conn.channelReleased(number);
            }
            case CHANNEL_CLOSE_OK -> { }
            case CHANNEL_FLOW -> {
                if (!m.bit(0)) {
                    throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "channel.flow active=false is not"
                            + " supported: use basic.qos to limit deliveries");
                }
                conn.send(number, new Method(MethodSpec.CHANNEL_FLOW_OK, true));
            }
            case CHANNEL_OPEN -> throw new AmqpFrameException(ReplyCodes.CHANNEL_ERROR, "channel " + number
                    + " is already open");
            case EXCHANGE_DECLARE -> declarations.exchangeDeclare(m);
            case EXCHANGE_DELETE -> declarations.exchangeDelete(m);
            case EXCHANGE_BIND, EXCHANGE_UNBIND -> declarations.exchangeBind(m);
            case QUEUE_DECLARE -> declarations.queueDeclare(m);
            case QUEUE_BIND -> declarations.queueBind(m);
            case QUEUE_UNBIND -> declarations.queueUnbind(m);
            case QUEUE_PURGE -> declarations.queuePurge(m);
            case QUEUE_DELETE -> declarations.queueDelete(m);
            case BASIC_QOS -> consumers.qos(m);
            case BASIC_CONSUME -> consumers.consume(m);
            case BASIC_CANCEL -> consumers.cancel(m);
            case BASIC_GET -> consumers.get(m);
            case BASIC_ACK -> consumers.ack(m.longValue(0), m.bit(1));
            case BASIC_NACK -> consumers.nack(m.longValue(0), m.bit(1), m.bit(2), m);
            case BASIC_REJECT -> consumers.nack(m.longValue(0), false, m.bit(1), m);
            case BASIC_RECOVER, BASIC_RECOVER_ASYNC -> consumers.recover(m);
            case BASIC_PUBLISH -> publisher.publish(m);
            case CONFIRM_SELECT -> publisher.confirmSelect(m);
            case TX_SELECT -> publisher.txSelect();
            case TX_COMMIT -> publisher.txCommit(m);
            case TX_ROLLBACK -> publisher.txRollback();
            default -> throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "'" + m.spec().wireName()
                    + "' is not a method a client sends");
        }
    }

    /** The queue a method names, or the channel's last declared one for an empty name. */
    String queueName(String name) {
        if (!name.isEmpty()) {
            return name;
        }
        if (lastQueue == null) {
            throw BrokerException.notFound("no previously declared queue on this channel");
        }
        return lastQueue;
    }

    // ------------------------------------------------------------------ replies

    /** Sends {@code ok(result)} when {@code op} succeeds (unless no-wait), or closes the channel with its error. */
    <T> void reply(CompletableFuture<T> op, Method cause, boolean noWait, Function<T, Method> ok) {
        op.whenComplete((v, t) -> {
            if (!isOpen()) {
                return;
            }
            if (t != null) {
                error(BrokerException.from(t), cause);
            } else if (!noWait) {
                conn.send(number, ok.apply(v));
            }
        });
    }

    /** A channel error (or a connection error, for the codes the spec makes so). */
    void error(BrokerException e, Method cause) {
        Amqp091Errors.Reply reply = Amqp091Errors.of(e);
        error(reply.code(), e.getMessage(), cause);
    }

    void error(int code, String detail, Method cause) {
        if (closing || released) {
            return;
        }
        if (ReplyCodes.isConnectionError(code)) {
            conn.connectionError(code, detail, cause);
            return;
        }
        Amqp091Errors.Reply reply = Amqp091Errors.reply(code, detail);
        LOG.info("AMQP 0-9-1 connection {} channel {}: channel error {}", conn.connectionId, number, reply.text());
        closing = true;
        release();
        conn.send(number, new Method(MethodSpec.CHANNEL_CLOSE, reply.code(), reply.text(),
                cause == null ? 0 : cause.spec().classId(), cause == null ? 0 : cause.spec().methodId()));
    }

    /** Gives back what the channel holds: consumers end, unacknowledged messages return, a transaction rolls back. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        consumers.release();
        publisher.release();
    }

    // ------------------------------------------------------------------ deliveries

    boolean deliver(Delivery d) {
        return !closing && !released && consumers.deliver(d);
    }

    void grantOwedCredit() {
        if (!closing && !released) {
            consumers.grantOwedCredit();
        }
    }

    /** A direct reply for this channel's reply consumer, on this connection's event loop. */
    void deliverReply(String address, BasicProperties properties, byte[] body) {
        if (!closing && !released) {
            consumers.deliverReply(address, properties, body);
        }
    }

    void consumerClosedByBroker(Subscription s, BrokerException reason) {
        if (!closing && !released) {
            consumers.closedByBroker(s, reason);
        }
    }
}
