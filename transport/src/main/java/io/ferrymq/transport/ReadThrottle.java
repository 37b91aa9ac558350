package io.ferrymq.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * When a connection reads from its socket. Each reason to stop reading is held or released on its own;
 * the channel reads (Netty's auto-read) only while no reason is held, so a release for one reason never
 * resumes reading that another still stops. Confined to the channel's event loop.
 */
public final class ReadThrottle {

    /** Why a connection stops reading. */
    public enum Reason {
        /** The client's credentials are being checked: what it sends next waits for the answer. */
        HANDSHAKE,
        /** The client has more operations in progress (sends being stored) than its window allows. */
        BACKLOG,
        /** The broker has no message memory left for the client's session ({@code Session.memoryAvailable()}). */
        MEMORY,
        /** The socket does not take what the broker writes (the client is not reading its replies). */
        UNWRITABLE,
        /** The connection is closing: what the client sends now would be discarded. */
        CLOSING,
        /** The client sent more than {@code limits.publish-bytes-per-second} allows: it waits for its turn. */
        RATE
    }

    /** The reasons held on a channel, shared by every throttle of it (the adapter's and the transport's). */
    private static final AttributeKey<Set<Reason>> HELD = AttributeKey.valueOf("ferrymq.read-throttle");

    private final Channel channel;
    private final Set<Reason> held;

    public ReadThrottle(Channel channel) {
        this.channel = channel;
        Set<Reason> fresh = EnumSet.noneOf(Reason.class);
        Set<Reason> existing = channel.attr(HELD).setIfAbsent(fresh);
        this.held = existing == null ? fresh : existing;
    }

    /** Holds reading for {@code reason} while {@code stop} is true, releases it otherwise. */
    public void set(Reason reason, boolean stop) {
        mark(reason, stop);
        apply();
    }

    /**
     * Notes whether {@code reason} stops reading without acting on it yet: to change several reasons at once,
     * mark each and then {@link #apply()}, so that one released before another is held lets no read through.
     */
    public ReadThrottle mark(Reason reason, boolean stop) {
        if (stop) {
            held.add(reason);
        } else {
            held.remove(reason);
        }
        return this;
    }

    public void hold(Reason reason) {
        set(reason, true);
    }

    public void release(Reason reason) {
        set(reason, false);
    }

    /** Holds reading for {@code reason} until {@code done} completes (either way), released on the event loop. */
    public void holdUntil(Reason reason, CompletionStage<?> done) {
        hold(reason);
        done.whenComplete((v, t) -> {
            if (channel.eventLoop().inEventLoop()) {
                release(reason);
            } else {
                channel.eventLoop().execute(() -> release(reason));
            }
        });
    }

    /**
     * Follows the socket's writability for an adapter that stops reading while its replies cannot be written:
     * call it from {@code channelWritabilityChanged}.
     */
    public void writabilityChanged() {
        set(Reason.UNWRITABLE, !channel.isWritable());
    }

    /** Reads again whatever was held (a closing connection that reads until the client goes). */
    public void releaseAll() {
        held.clear();
        apply();
    }

    /** Whether the connection reads now. */
    public boolean reading() {
        return held.isEmpty();
    }

    /** Whether reading is held for {@code reason}. */
    public boolean holds(Reason reason) {
        return held.contains(reason);
    }

    /** Reads if no reason is held, stops otherwise. */
    public void apply() {
        boolean read = held.isEmpty();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }
}
