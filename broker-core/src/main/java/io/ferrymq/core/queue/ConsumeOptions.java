package io.ferrymq.core.queue;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.message.Message;

import java.util.function.Predicate;

/**
 * How a consumer takes messages from a queue.
 *
 * @param initialCredit  deliveries allowed before the adapter grants more
 * @param filter         only matching messages (JMS selector); null for all
 * @param autoSettle     settled as they are handed out: at most once (STOMP auto, AMQP pre-settled)
 * @param exclusive      no other consumer may be on the queue while this one is (AMQP 0-9-1 exclusive consume)
 * @param browse         sees messages without taking them (QueueBrowser, AMQP distribution-mode copy)
 * @param noLocal        skips messages published by this consumer's own connection
 * @param autoSettleWhen settles on hand-out only the messages it accepts (MQTT: QoS 0 messages in a queue that
 *                       also holds QoS 1 and 2 ones), sparing them a settlement round trip; null for none
 * @param dispatch       priority, ActiveMQ-style exclusivity and group stickiness; never null
 */
public record ConsumeOptions(int initialCredit, FilterSpec filter, boolean autoSettle, boolean exclusive,
                             boolean browse, boolean noLocal, Predicate<Message> autoSettleWhen,
                             ConsumerDispatch dispatch) {

    public ConsumeOptions {
        if (initialCredit < 0) {
            throw new IllegalArgumentException("credit must not be negative");
        }
        if (dispatch == null) {
            dispatch = ConsumerDispatch.DEFAULT;
        }
    }

    public ConsumeOptions(int initialCredit, FilterSpec filter, boolean autoSettle, boolean exclusive,
                          boolean browse, boolean noLocal, Predicate<Message> autoSettleWhen) {
        this(initialCredit, filter, autoSettle, exclusive, browse, noLocal, autoSettleWhen, ConsumerDispatch.DEFAULT);
    }

    public static ConsumeOptions credit(int n) {
        return new ConsumeOptions(n, null, false, false, false, false, null);
    }

    /** Whether {@code m} is settled as it is handed out to this consumer. */
    public boolean settlesOnHandout(Message m) {
        return autoSettle || autoSettleWhen != null && autoSettleWhen.test(m);
    }

    public ConsumeOptions withFilter(FilterSpec f) {
        return new ConsumeOptions(initialCredit, f, autoSettle, exclusive, browse, noLocal, autoSettleWhen, dispatch);
    }

    public ConsumeOptions withAutoSettle(boolean v) {
        return new ConsumeOptions(initialCredit, filter, v, exclusive, browse, noLocal, autoSettleWhen, dispatch);
    }

    public ConsumeOptions withAutoSettleWhen(Predicate<Message> p) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, browse, noLocal, p, dispatch);
    }

    public ConsumeOptions withExclusive(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, v, browse, noLocal, autoSettleWhen, dispatch);
    }

    public ConsumeOptions withBrowse(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, v, noLocal, autoSettleWhen, dispatch);
    }

    public ConsumeOptions withNoLocal(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, browse, v, autoSettleWhen, dispatch);
    }

    public ConsumeOptions withDispatch(ConsumerDispatch d) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, browse, noLocal, autoSettleWhen, d);
    }

    /** See {@link ConsumerDispatch#priority()}. */
    public ConsumeOptions withPriority(int priority) {
        return withDispatch(new ConsumerDispatch(priority, dispatch.exclusiveActive(), dispatch.stickyGroups()));
    }

    /** See {@link ConsumerDispatch#exclusiveActive()}. */
    public ConsumeOptions withExclusiveActive(boolean v) {
        return withDispatch(new ConsumerDispatch(dispatch.priority(), v, dispatch.stickyGroups()));
    }

    /** See {@link ConsumerDispatch#stickyGroups()}. */
    public ConsumeOptions withStickyGroups(boolean v) {
        return withDispatch(new ConsumerDispatch(dispatch.priority(), dispatch.exclusiveActive(), v));
    }
}
