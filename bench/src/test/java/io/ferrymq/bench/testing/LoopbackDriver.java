package io.ferrymq.bench.testing;

import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.IdleLink;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.ProducerSpec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory "broker" behind the driver interface, for testing the load generator itself: a send is
 * delivered synchronously (round robin for a queue, to every subscriber for a topic) and confirmed at
 * once. Faults can be injected to check that the generator notices them.
 */
public final class LoopbackDriver implements Driver {

    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private volatile int dropEvery;
    private volatile int duplicateEvery;
    private volatile boolean confirm = true;

    private static final class Destination {
        final List<MessageListener> consumers = new CopyOnWriteArrayList<>();
        final AtomicInteger next = new AtomicInteger();
    }

    /** Drops every n-th send (it is confirmed but never delivered). */
    public LoopbackDriver dropEvery(int n) {
        this.dropEvery = n;
        return this;
    }

    /** Delivers every n-th send twice. */
    public LoopbackDriver duplicateEvery(int n) {
        this.duplicateEvery = n;
        return this;
    }

    /** Never confirms sends, as a broker that lost its receipts. */
    public LoopbackDriver neverConfirm() {
        this.confirm = false;
        return this;
    }

    public long dropped() {
        return dropped.get();
    }

    public long duplicated() {
        return duplicated.get();
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) {
        Destination d = destination(spec.kind(), spec.destination());
        return new ProducerLink() {
            @Override
            public void send(OutgoingMessage m, io.ferrymq.bench.driver.Confirmation c) {
                long n = sends.incrementAndGet();
                if (dropEvery > 0 && n % dropEvery == 0) {
                    dropped.incrementAndGet();
                } else {
                    int copies = duplicateEvery > 0 && n % duplicateEvery == 0 ? 2 : 1;
                    if (copies == 2) {
                        duplicated.addAndGet(spec.kind() == DestinationKind.TOPIC ? d.consumers.size() : 1);
                    }
                    for (int i = 0; i < copies; i++) {
                        deliver(spec.kind(), d, m);
                    }
                }
                if (c != null && confirm) {
                    c.confirmed();
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private static void deliver(DestinationKind kind, Destination d, OutgoingMessage m) {
        if (kind == DestinationKind.TOPIC) {
            d.consumers.forEach(l -> l.onMessage(m.stamp(), m.body().length));
        } else if (!d.consumers.isEmpty()) {
            MessageListener l = d.consumers.get(Math.floorMod(d.next.getAndIncrement(), d.consumers.size()));
            l.onMessage(m.stamp(), m.body().length);
        }
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) {
        Destination d = destination(spec.kind(), spec.destination());
        // Deliveries to one consumer must be sequential, as a real client library's are.
        MessageListener serial = new MessageListener() {
            @Override
            public synchronized void onMessage(io.ferrymq.bench.driver.Stamp stamp, int bodyBytes) {
                listener.onMessage(stamp, bodyBytes);
            }
        };
        d.consumers.add(serial);
        return () -> d.consumers.remove(serial);
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        return CompletableFuture.completedFuture(() -> { });
    }

    private Destination destination(DestinationKind kind, String name) {
        return destinations.computeIfAbsent(kind + ":" + name, k -> new Destination());
    }

    @Override
    public void close() {
    }
}
