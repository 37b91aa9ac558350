package io.ferrymq.core.testing;

import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** A delivery sink that records what arrives, on the caller's thread (fully synchronous tests). */
public final class RecordingSink implements DeliverySink {

    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> closures = new ArrayList<>();
    private int flushes;

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public synchronized void deliver(Delivery delivery) {
        deliveries.add(delivery);
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    @Override
    public synchronized void subscriptionClosed(Subscription subscription, BrokerException reason) {
        closures.add(reason.getMessage());
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Returns and forgets what arrived so far. */
    public synchronized List<Delivery> take() {
        List<Delivery> out = List.copyOf(deliveries);
        deliveries.clear();
        return out;
    }

    public synchronized List<String> bodies() {
        return deliveries.stream().map(RecordingSink::text).toList();
    }

    /** Bodies of what arrived through one subscription, in arrival order. */
    public synchronized List<String> bodiesOf(Subscription subscription) {
        return deliveries.stream().filter(d -> d.subscription() == subscription).map(RecordingSink::text).toList();
    }

    /** The delivery whose body is {@code body}; fails the test if none arrived. */
    public synchronized Delivery find(String body) {
        return deliveries.stream().filter(d -> text(d).equals(body)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no delivery with body '" + body + "' among " + bodies()));
    }

    /** A delivery's body as UTF-8 text. */
    public static String text(Delivery d) {
        return new String(d.message().body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public synchronized List<String> closures() {
        return List.copyOf(closures);
    }

    public synchronized int flushes() {
        return flushes;
    }
}
