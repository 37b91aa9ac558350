package io.ferrymq.amqp;

import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A failure inside the broker reaches the AMQP client as {@code amqp:internal-error} with a description a
 * person can read: never the Java exception's class name.
 */
class AmqpInternalErrorDescriptionTest {

    private final AtomicBoolean storageFails = new AtomicBoolean();
    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults())
            .storageView(FailingStorage.wrapping(storageFails)).build();

    @Test
    void aFailedStoreIsRefusedInWordsNotJavaClassNames() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("internal.failure"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            storageFails.set(true);
            JMSException refused = catchThrowableOfType(() -> p.send(s.createTextMessage("lost?")),
                    JMSException.class);
            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).contains("amqp:internal-error")
                    .doesNotContain("IllegalStateException").doesNotContain("java.lang");

            storageFails.set(false);
            p.send(s.createTextMessage("stored"));
        }
    }

    /** The broker's storage, failing its writes (as a broken disk would) while the flag is set. */
    private record FailingStorage(Storage delegate, AtomicBoolean fails) implements Storage {

        static java.util.function.UnaryOperator<Storage> wrapping(AtomicBoolean fails) {
            return s -> new FailingStorage(s, fails);
        }

        @Override
        public RecoveredIds recover(RecoveryListener listener) {
            return delegate.recover(listener);
        }

        @Override
        public CompletableFuture<Void> append(List<StorageRecord> batch) {
            if (fails.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("the storage device went away"));
            }
            return delegate.append(batch);
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
