package io.ferrymq.amqp;

import io.ferrymq.amqp.message.HumanText;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.transport.ReplyFlush;
import io.ferrymq.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Proton's engine for one connection, fed from the socket and pumped back to it: its transport, connection
 * endpoint and event collector; each pump hands Proton's events to the AMQP connection logic, ticks the idle
 * timeout and writes Proton's output. Every call runs on the channel's event loop. When the connection closes
 * and how is the {@link Lifecycle}'s business (the Netty handler's), not the engine's.
 */
final class ProtonEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ProtonEngine.class);

    /** What the engine needs to know of, and ask from, the connection around it. */
    interface Lifecycle {

        /** Whether the AMQP layer runs (after the AMQP header): events go to the connection, the idle timer ticks. */
        boolean amqpLayer();

        boolean closed();

        /** The broker asked to close: what Proton has left goes out even past the socket's high-water mark. */
        boolean closeRequested();

        /** An event for the AMQP connection logic. */
        void onEvent(Event event);

        /** Proton stopped after a protocol error: it writes nothing more, so the close is written for it. */
        void failEngine(ErrorCondition condition);

        /** The AMQP connection failed on an event: close it with this error. */
        void close(ErrorCondition error);

        /** Both closes are exchanged (or Proton's output ended): the socket goes. */
        void lingerClose();
    }

    private final Broker broker;
    private final AmqpSettings settings;
    private final ChannelHandlerContext ctx;
    private final ReplyFlush replies;
    private final long connectionId;
    private final Lifecycle lifecycle;
    private final long startNanos = System.nanoTime();

    private Transport transport;
    private Connection endpoint;
    private Collector collector;
    private SaslServer sasl;
    private ScheduledFuture<?> tickTimer;
    private long tickDeadline;
    private boolean pumping;
    private boolean pumpAgain;
    private boolean pumpScheduled;
    private boolean dispatching;
    private boolean failed;
    private boolean openWritten;

    ProtonEngine(Broker broker, AmqpSettings settings, ChannelHandlerContext ctx, ReplyFlush replies,
                 long connectionId, Lifecycle lifecycle) {
        this.broker = broker;
        this.settings = settings;
        this.ctx = ctx;
        this.replies = replies;
        this.connectionId = connectionId;
        this.lifecycle = lifecycle;
    }

    /** Creates Proton's transport and connection endpoint, with a SASL layer in front if {@code withSasl}. */
    void start(boolean withSasl) {
        transport = Proton.transport();
        transport.setMaxFrameSize(settings.maxFrameSize());
        transport.setChannelMax(channelMax());
        transport.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeoutMillis()));
        transport.setEmitFlowEventOnSend(false);
        endpoint = Proton.connection();
        collector = Proton.collector();
        endpoint.collect(collector);
        if (withSasl) {
            sasl = new SaslServer(transport, settings.allowAnonymous(),
                    TlsIdentity.certificateUser(ctx.channel()).isPresent());
        }
        transport.bind(endpoint);
    }

    boolean started() {
        return transport != null;
    }

    /** Whether Proton stopped after a protocol error: nothing more goes in or out. */
    boolean failed() {
        return failed;
    }

    void markFailed() {
        failed = true;
    }

    /** Whether an open went to the client (so a close written without Proton needs none before it). */
    boolean openWritten() {
        return openWritten;
    }

    Connection endpoint() {
        return endpoint;
    }

    /** The SASL layer; null when the client skipped SASL. */
    SaslServer sasl() {
        return sasl;
    }

    /**
     * The highest channel (session) number offered: the protocol setting, within limits.max-channels-per-connection
     * (channels count from 0).
     */
    int channelMax() {
        int limit = broker.maxChannelsPerConnection();
        return limit > 0 ? Math.min(settings.channelMax(), limit - 1) : settings.channelMax();
    }

    /** Closes the AMQP connection's endpoint with {@code error}, unless it is closed already. */
    void closeEndpoint(ErrorCondition error) {
        if (endpoint.getLocalState() != EndpointState.CLOSED) {
            endpoint.setCondition(AmqpErrors.humane(error));
            endpoint.close();
        }
    }

    /** Ends a SASL exchange that failed other than on the credentials ({@code PN_SASL_TEMP}, {@code PN_SASL_SYS}). */
    void saslDone(Sasl.SaslOutcome outcome) {
        transport.sasl().done(outcome);
    }

    /** Writes what Proton has pending now, without pumping (the SASL outcome alone, before a close). */
    void writePending() {
        int pending = transport.pending();
        if (pending > 0) {
            ctx.write(take(pending));
        }
    }

    void cancelTimer() {
        if (tickTimer != null) {
            tickTimer.cancel(false);
        }
    }

    // ------------------------------------------------------------------ input

    /** Copies {@code n} bytes into Proton's input, processing as it goes. */
    void feed(ByteBuf in, int n) {
        while (n > 0 && !failed) {
            int capacity = transport.capacity();
            if (capacity <= 0) {
                // Proton's input is closed (it stopped after an error): the rest means nothing.
                in.skipBytes(n);
                return;
            }
            int k = Math.min(capacity, n);
            ByteBuffer tail = transport.tail();
            int limit = tail.limit();
            tail.limit(tail.position() + k);
            in.readBytes(tail);
            tail.limit(limit);
            n -= k;
            try {
                transport.process();
            } catch (RuntimeException e) {
                ErrorCondition c = transport.getCondition();
                LOG.debug("AMQP connection {}: Proton failed on the input", connectionId, e);
                lifecycle.failEngine(c != null && c.getCondition() != null ? c
                        : AmqpErrors.of(AmqpErrors.FRAMING_ERROR, "the broker could not process a frame: "
                                + HumanText.of(e.getMessage(), "it does not follow the AMQP 1.0 encoding")));
                in.skipBytes(n);
                return;
            }
            processEvents();
        }
    }

    // ------------------------------------------------------------------ pump

    /**
     * Defers the pumps asked for from now on until {@link #endHold}, after which the caller pumps once for them
     * all: whatever the handling of one read asks to be written goes out in one pump afterwards.
     *
     * @return whether this call held them (false when nested in another hold), for {@link #endHold}
     */
    boolean holdPumps() {
        boolean outer = !pumping;
        pumping = true;
        return outer;
    }

    /** Ends what {@link #holdPumps} began; the caller then pumps if {@code outer}. */
    void endHold(boolean outer) {
        if (outer) {
            pumping = false;
        }
    }

    /** Processes Proton's events and writes what it has to the socket; safe to call re-entrantly. */
    void pump() {
        if (transport == null || lifecycle.closed() || failed) {
            return;
        }
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                processEvents();
                tick();
                writeOutput();
            } while (pumpAgain && !failed && !lifecycle.closed());
        } finally {
            pumping = false;
        }
    }

    /**
     * A pump after the event loop's current batch of tasks: completions that arrive together (the sends of one
     * journal batch) then share one pass of Proton's event processing and output instead of one each.
     */
    void pumpSoon() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        if (!pumpScheduled) {
            pumpScheduled = true;
            ctx.executor().execute(() -> {
                pumpScheduled = false;
                pump();
            });
        }
    }

    private void processEvents() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            dispatchEvents();
        } finally {
            dispatching = false;
        }
    }

    private void dispatchEvents() {
        Event e;
        while (!failed && (e = collector.peek()) != null) {
            try {
                if (e.getType() == Event.Type.TRANSPORT_ERROR) {
                    ErrorCondition c = transport.getCondition();
                    collector.pop();
                    lifecycle.failEngine(c != null && c.getCondition() != null ? c
                            : AmqpErrors.of(AmqpErrors.FRAMING_ERROR, "protocol error"));
                    return;
                }
                if (lifecycle.amqpLayer()) {
                    lifecycle.onEvent(e);
                }
            } catch (BrokerException ex) {
                LOG.info("AMQP connection {}: {}", connectionId, ex.getMessage());
                lifecycle.close(AmqpErrors.of(ex));
            } catch (RuntimeException ex) {
                LOG.warn("AMQP connection {} from {}: failed handling {}", connectionId, ctx.channel().remoteAddress(),
                        e.getType(), ex);
                lifecycle.close(AmqpErrors.of(AmqpErrors.INTERNAL, "the broker failed to handle the client's "
                        + e.getType().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " because of an"
                        + " internal error; the broker's log has the details for its operator"));
            }
            collector.pop();
        }
    }

    private void tick() {
        if (!lifecycle.amqpLayer()) {
            return;
        }
        long now = (System.nanoTime() - startNanos) / 1_000_000 + 1;
        long deadline = transport.tick(now);
        if (deadline != 0 && (tickTimer == null || deadline - tickDeadline < 0)) {
            cancelTimer();
            tickDeadline = deadline;
            tickTimer = ctx.executor().schedule(() -> {
                tickTimer = null;
                pump();
            }, Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
        }
    }

    private void writeOutput() {
        boolean wrote = false;
        while (!failed) {
            int pending;
            try {
                pending = transport.pending();
            } catch (RuntimeException e) {
                LOG.warn("AMQP connection {} from {}: encoding the broker's output failed", connectionId,
                        ctx.channel().remoteAddress(), e);
                lifecycle.failEngine(AmqpErrors.of(AmqpErrors.INTERNAL, AmqpErrors.INTERNAL_DESCRIPTION));
                return;
            }
            if (pending < 0) {
                if (wrote) {
                    ctx.flush();
                }
                lifecycle.lingerClose();
                return;
            }
            if (pending == 0 || (!ctx.channel().isWritable() && !lifecycle.closeRequested())) {
                break;
            }
            ctx.write(take(pending));
            wrote = true;
        }
        if (wrote) {
            if (endpoint.getLocalState() != EndpointState.UNINITIALIZED) {
                openWritten = true;
            }
            // Flushed at the end of the read batch or of the event loop's batch of tasks, so a burst of
            // transfers, or of completions, gets its dispositions and flow in one flush rather than one each.
            replies.request();
        }
        // Both closes exchanged (or the broker's own close written): the socket goes too.
        if (!failed && endpoint.getLocalState() == EndpointState.CLOSED
                && (lifecycle.closeRequested() || endpoint.getRemoteState() == EndpointState.CLOSED)
                && transport.pending() <= 0) {
            lifecycle.lingerClose();
        }
    }

    /** Proton's {@code pending} output bytes, copied out of its buffer and popped. */
    private ByteBuf take(int pending) {
        ByteBuffer slice = transport.head().duplicate();
        slice.limit(slice.position() + pending);
        ByteBuf out = ctx.alloc().buffer(pending);
        out.writeBytes(slice);
        transport.pop(pending);
        return out;
    }
}
