package io.ferrymq.amqp;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.SessionError;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.engine.Session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows the client's sessions and link handles from the performatives it sends, and stops the frames that
 * Proton-J does not survive before Proton sees them (AMQP 1.0 part 2.5 and 2.7): an attach with a handle
 * above handle-max (a StackOverflowError in Proton) or on a handle in use (a NullPointerException), frames
 * for handles no link uses, transfers on a link the client receives on or without the delivery-id that
 * starts a delivery, frames on channels that carry no session, a begin that answers a session the broker
 * never began. Each gets the error the specification names, as a connection or a session error.
 */
final class FrameGuard {

    /** The handle-max Proton-J announces in the broker's begin. */
    static final long HANDLE_MAX = 65535;

    static final Symbol HANDLE_IN_USE = SessionError.HANDLE_IN_USE;
    static final Symbol UNATTACHED_HANDLE = SessionError.UNATTACHED_HANDLE;

    /** What to do with a frame. */
    enum Action {
        /** Proton may have it. */
        PASS,
        /** Ignore it: its session is ending after an error, and the client has not seen the end yet. */
        DROP,
        /** Ignore it and end its session with the error. */
        END_SESSION,
        /** Close the connection with the error. */
        CLOSE_CONNECTION
    }

    record Verdict(Action action, int channel, ErrorCondition error) {
        static final Verdict PASS = new Verdict(Action.PASS, -1, null);
        static final Verdict DROP = new Verdict(Action.DROP, -1, null);
    }

    /** A link the client attached: its name, whether the client sends on it, and whether a delivery is open. */
    private static final class LinkState {
        final String name;
        final boolean clientSends;
        boolean deliveryOpen;

        LinkState(String name, boolean clientSends) {
            this.name = name;
            this.clientSends = clientSends;
        }
    }

    /** A session the client began on one channel: its links, by handle. */
    private static final class ChannelState {
        final Map<Long, LinkState> handles = new HashMap<>();
        Session session;
        boolean ending;
    }

    private final Map<Integer, ChannelState> channels = new HashMap<>();
    /** Begins Proton has not yet announced as sessions, in the order they came. */
    private final ArrayDeque<ChannelState> awaitingSession = new ArrayDeque<>();

    /** Checks one AMQP frame's performative (on the channel it came on) and records what it changes. */
    Verdict check(int channel, Object performative) {
        if (performative instanceof Begin begin) {
            return begin(channel, begin);
        }
        if (!(performative instanceof Attach || performative instanceof Flow || performative instanceof Transfer
                || performative instanceof Disposition || performative instanceof Detach
                || performative instanceof End)) {
            return Verdict.PASS;
        }
        String name = name(performative);
        ChannelState state = channels.get(channel);
        if (state == null) {
            return close(AmqpErrors.ILLEGAL_STATE, name + " on channel " + channel + ", which carries no session:"
                    + " a session starts with a begin on its channel");
        }
        if (performative instanceof End) {
            channels.remove(channel);
            awaitingSession.remove(state);
            return Verdict.PASS;
        }
        if (state.ending) {
            return Verdict.DROP;
        }
        if (performative instanceof Attach attach) {
            return attach(channel, state, attach);
        }
        if (performative instanceof Flow flow) {
            return flow.getHandle() == null ? Verdict.PASS : attached(channel, state, name, flow.getHandle());
        }
        if (performative instanceof Transfer transfer) {
            Verdict v = attached(channel, state, name, transfer.getHandle());
            return v.action() == Action.PASS ? transfer(channel, state.handles.get(transfer.getHandle().longValue()),
                    transfer) : v;
        }
        if (performative instanceof Detach detach) {
            Verdict v = attached(channel, state, name, detach.getHandle());
            if (v.action() == Action.PASS) {
                state.handles.remove(detach.getHandle().longValue());
            }
            return v;
        }
        return Verdict.PASS; // a disposition: it names deliveries, which Proton checks itself
    }

    private Verdict begin(int channel, Begin begin) {
        if (begin.getRemoteChannel() != null) {
            ErrorCondition error = AmqpErrors.of(AmqpErrors.INVALID_FIELD, "begin on channel " + channel
                    + " names remote-channel " + begin.getRemoteChannel() + ", but the broker begins no sessions of"
                    + " its own: a client's begin leaves remote-channel unset");
            error.setInfo(Map.of(AmqpConnection.INVALID_FIELD_KEY, Symbol.valueOf("remote-channel")));
            return new Verdict(Action.CLOSE_CONNECTION, channel, error);
        }
        if (channels.containsKey(channel)) {
            return close(AmqpErrors.ILLEGAL_STATE, "begin on channel " + channel + ", which already carries a"
                    + " session: end that session first, or begin the new one on a free channel");
        }
        ChannelState state = new ChannelState();
        channels.put(channel, state);
        awaitingSession.add(state);
        return Verdict.PASS;
    }

    private static Verdict attach(int channel, ChannelState state, Attach attach) {
        if (attach.getHandle() == null || attach.getName() == null || attach.getRole() == null) {
            return close(AmqpErrors.INVALID_FIELD, "attach on channel " + channel + " lacks a mandatory field (name,"
                    + " handle and role are required)");
        }
        long handle = attach.getHandle().longValue();
        if (handle > HANDLE_MAX) {
            return close(AmqpErrors.FRAMING_ERROR, "attach of link '" + attach.getName() + "' on channel " + channel
                    + " uses handle " + handle + ", above the handle-max " + HANDLE_MAX + " the broker announced in"
                    + " its begin");
        }
        LinkState holder = state.handles.get(handle);
        if (holder != null) {
            return new Verdict(Action.END_SESSION, channel, AmqpErrors.of(HANDLE_IN_USE, "attach of link '"
                    + attach.getName() + "' uses handle " + handle + ", which link '" + holder.name + "' is using on"
                    + " this session: detach that link first, or attach with a free handle"));
        }
        state.handles.put(handle, new LinkState(attach.getName(), attach.getRole() == Role.SENDER));
        return Verdict.PASS;
    }

    private static Verdict transfer(int channel, LinkState link, Transfer transfer) {
        if (!link.clientSends) {
            return new Verdict(Action.END_SESSION, channel, AmqpErrors.of(AmqpErrors.ILLEGAL_STATE, "transfer on"
                    + " handle " + transfer.getHandle() + ", but the client attached link '" + link.name + "' as its"
                    + " receiver: messages go to the broker on links the client attaches as sender"));
        }
        if (transfer.getDeliveryId() == null && !link.deliveryOpen) {
            return new Verdict(Action.END_SESSION, channel, AmqpErrors.of(AmqpErrors.INVALID_FIELD, "the first"
                    + " transfer of a delivery on link '" + link.name + "' has no delivery-id, which it must carry"));
        }
        link.deliveryOpen = transfer.getMore() && !transfer.getAborted();
        return Verdict.PASS;
    }

    private static Verdict attached(int channel, ChannelState state, String name, UnsignedInteger handle) {
        if (handle == null) {
            return close(AmqpErrors.INVALID_FIELD, name + " on channel " + channel + " has no handle, a mandatory"
                    + " field");
        }
        if (state.handles.containsKey(handle.longValue())) {
            return Verdict.PASS;
        }
        return new Verdict(Action.END_SESSION, channel, AmqpErrors.of(UNATTACHED_HANDLE, name + " for handle "
                + handle + ", which no attached link on this session uses: attach a link with that handle first"));
    }

    private static Verdict close(Symbol condition, String description) {
        return new Verdict(Action.CLOSE_CONNECTION, -1, AmqpErrors.of(condition, description));
    }

    private static String name(Object performative) {
        return performative.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The session is ending after an error: its frames are ignored until the client's end.
     *
     * @return the Proton session begun on that channel, or null if Proton has not announced it yet
     */
    Session ending(int channel) {
        ChannelState state = channels.get(channel);
        if (state == null) {
            return null;
        }
        state.ending = true;
        return state.session;
    }

    /** Proton announced a remote begin as a session: the oldest begin not yet matched is that session. */
    void sessionOpened(Session session) {
        ChannelState state = awaitingSession.poll();
        if (state != null) {
            state.session = session;
        }
    }
}
