package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.state.MessageFormat;
import io.ferrymq.core.stream.ReadResult;
import io.ferrymq.core.stream.StreamRecord;

import java.util.Date;
import java.util.function.LongSupplier;

/**
 * A basic.consume on a stream queue, as RabbitMQ serves it: reads the stream from its own offset (the
 * {@code x-stream-offset} argument: first, last, next, an offset or a timestamp), at most its prefetch unacknowledged,
 * each message with its offset in the {@code x-stream-offset} header. An ack only makes room (nothing is removed);
 * at the end of the stream it waits for the next append. Runs on the connection's event loop.
 */
final class StreamConsumer {

    static final String OFFSET = "x-stream-offset";
    private static final long MAX_READ_BYTES = 4L * 1024 * 1024;

    final String tag;
    private final String stream;
    private final int prefetch;
    private final Amqp091Channel ch;
    /** Gives each delivery its tag and remembers it unacknowledged. */
    private final LongSupplier nextTag;
    private long next;
    private int unacked;
    private boolean reading;
    private boolean waiting;
    private boolean cancelled;

    StreamConsumer(Amqp091Channel ch, String tag, String stream, int prefetch, LongSupplier nextTag) {
        this.ch = ch;
        this.tag = tag;
        this.stream = stream;
        this.prefetch = prefetch;
        this.nextTag = nextTag;
    }

    /** Where the consumer starts, from its {@code x-stream-offset} argument (absent: next, as in RabbitMQ). */
    void position(Object spec) {
        var s = ch.conn.broker.streams();
        var session = ch.session();
        long first = s.firstOffset(session, stream, 0);
        long end = s.endOffset(session, stream, 0);
        if (spec == null || "next".equals(spec.toString())) {
            next = end;
        } else if ("first".equals(spec.toString())) {
            next = first;
        } else if ("last".equals(spec.toString())) {
            next = Math.max(first, end - 1);
        } else if (spec instanceof Date d) {
            next = s.offsetAt(session, stream, 0, d.getTime());
        } else if (spec instanceof Number n && !(spec instanceof Float || spec instanceof Double)) {
            // Past the end it waits for that offset; before the retained start it starts there.
            next = Math.max(first, n.longValue());
        } else {
            throw BrokerException.preconditionFailed("invalid arg '" + OFFSET + "': " + spec
                    + " (first, last, next, an offset or a timestamp)");
        }
    }

    /** Starts (or goes on) delivering. */
    void resume() {
        read();
    }

    /** The client acknowledged (or rejected) one of its deliveries: room for one more. */
    void settled() {
        unacked--;
        read();
    }

    void cancel() {
        cancelled = true;
    }

    private void read() {
        if (cancelled || reading || waiting || unacked >= prefetch || !ch.isOpen()) {
            return;
        }
        reading = true;
        ch.conn.broker.streams().read(ch.session(), stream, 0, next, prefetch - unacked, MAX_READ_BYTES,
                ch.conn.executor()).whenComplete((r, t) -> {
                    reading = false;
                    if (cancelled || !ch.isOpen()) {
                        return;
                    }
                    if (t != null) {
                        cancelled = true;
                        ch.error(BrokerException.from(t), null);
                        return;
                    }
                    deliver(r);
                });
    }

    private void deliver(ReadResult r) {
        for (StreamRecord rec : r.records()) {
            Message m = MessageFormat.decode(rec.data()).toBuilder().property(OFFSET, rec.offset()).build();
            unacked++;
            ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_DELIVER, tag, nextTag.getAsLong(), false,
                    m.address(), m.routingKey()), Amqp091Messages.toProperties(m, ch.conn.broker.currentTimeMillis()),
                    m.body());
        }
        if (!r.records().isEmpty()) {
            ch.conn.ctx.flush();
        }
        next = r.nextOffset();
        if (r.records().isEmpty()) {
            awaitAppend();
        } else {
            read();
        }
    }

    /**
     * Caught up: read again once the stream holds a record at {@code next}, whoever appended it (this module's
     * feeder, Kinesis PutRecord, a replicated append), or once it can get no more (deleted: the read then fails).
     */
    private void awaitAppend() {
        waiting = true;
        var arrived = ch.conn.broker.streams().awaitRecords(ch.session(), stream, 0, next, ch.conn.executor());
        arrived.whenComplete((v, t) -> {
            waiting = false;
            if (cancelled || !ch.isOpen()) {
                return;
            }
            if (t != null) {
                cancelled = true;
                ch.error(BrokerException.from(t), null);
                return;
            }
            read();
        });
    }
}
