package io.ferrymq.openwire;

import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;

/** A persistent send is answered only once the broker has stored the message; a non-persistent one at once. */
class OpenwireSendConfirmationTest {

    @Test
    void aPersistentSendReturnsOnlyOnceTheMessageIsStored(@TempDir Path dir) throws Exception {
        GatedStorage[] gate = new GatedStorage[1];
        EmbeddedBroker broker = EmbeddedBroker.builder()
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .listener(ListenerConfig.tcp("openwire", "127.0.0.1", 0, OpenwireProtocol.NAME))
                .durable(dir)
                .storageView(s -> gate[0] = new GatedStorage(s))
                .start();
        try (Connection c = new ActiveMQConnectionFactory("admin", "secret",
                "tcp://127.0.0.1:" + broker.port("openwire")).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("confirmed.q");
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("creates the queue"));

            gate[0].hold();
            CompletableFuture<Void> persistent = CompletableFuture.runAsync(() -> {
                try {
                    p.send(s.createTextMessage("stored first"), DeliveryMode.PERSISTENT, 4, 0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(gate[0]::holding);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !persistent.isDone());
            gate[0].release();
            persistent.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            gate[0].release();
            broker.close();
        }
    }

    /** Holds back the completion of every batch appended while held, until released. */
    private static final class GatedStorage implements Storage {
        private final Storage delegate;
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;

        GatedStorage(Storage delegate) {
            this.delegate = delegate;
        }

        synchronized void hold() {
            holding = true;
        }

        synchronized boolean holding() {
            return !held.isEmpty();
        }

        void release() {
            List<Runnable> go;
            synchronized (this) {
                holding = false;
                go = new ArrayList<>(held);
                held.clear();
            }
            go.forEach(Runnable::run);
        }

        @Override
        public RecoveredIds recover(RecoveryListener listener) {
            return delegate.recover(listener);
        }

        @Override
        public CompletableFuture<Void> append(List<StorageRecord> batch) {
            CompletableFuture<Void> stored = delegate.append(batch);
            synchronized (this) {
                if (!holding) {
                    return stored;
                }
                CompletableFuture<Void> gated = new CompletableFuture<>();
                held.add(() -> stored.whenComplete((v, t) -> {
                    if (t != null) {
                        gated.completeExceptionally(t);
                    } else {
                        gated.complete(null);
                    }
                }));
                return gated;
            }
        }

        @Override
        public io.ferrymq.core.errors.BrokerException writeAlarm() {
            return delegate.writeAlarm();
        }

        @Override
        public boolean persistent() {
            return delegate.persistent();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
