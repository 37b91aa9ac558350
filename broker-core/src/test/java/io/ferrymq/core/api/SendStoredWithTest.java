package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Protocol state stored in one atomic batch with the message it records (MQTT's QoS 2 packet ids). */
class SendStoredWithTest {

    /** The storage's batches, each as it was appended. */
    private static final class BatchLog implements Storage {
        final InMemoryStorage inner = new InMemoryStorage();
        final List<List<StorageRecord>> batches = new CopyOnWriteArrayList<>();

        @Override public RecoveredIds recover(RecoveryListener listener) { return inner.recover(listener); }
        @Override public boolean persistent() { return inner.persistent(); }
        @Override public void close() { inner.close(); }

        @Override
        public CompletableFuture<Void> append(List<StorageRecord> batch) {
            batches.add(List.copyOf(batch));
            return inner.append(batch);
        }
    }

    @Test
    void theStateRecordAndTheDurableMessageAreOneBatchAndBothSurviveARestart() {
        BatchLog storage = new BatchLog();
        TestBroker tb = TestBroker.builder().storage(storage).build();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("inbox"), TestBroker.text("declares the queue"), null).join();
        s.pull("inbox", new PullOptions(1, 0, -1, true)).join();
        StateStore store = tb.broker().stateStore("test.session");
        StateStore.Staged state = store.stage("client-1", "awaiting release: 7".getBytes(StandardCharsets.UTF_8));
        storage.batches.clear();

        s.sendStoredWith(Route.queue("inbox"), TestBroker.text("qos 2"), List.of(state)).join();

        assertThat(storage.batches).singleElement().satisfies(batch -> {
            assertThat(batch).contains(state.record());
            assertThat(batch).anyMatch(r -> r instanceof StorageRecord.AddMessage);
        });
        TestBroker restarted = tb.restart(TestBroker.builder());
        assertThat(new String(restarted.broker().stateStore("test.session").get("client-1").orElseThrow(),
                StandardCharsets.UTF_8)).isEqualTo("awaiting release: 7");
        assertThat(restarted.stats("inbox").total()).isEqualTo(1);
        restarted.close();
    }

    @Test
    void aSendRefusedBeforeStoringStoresNoStateEither() {
        BatchLog storage = new BatchLog();
        try (TestBroker tb = TestBroker.builder().storage(storage).build()) {
            Session s = tb.session(new RecordingSink());
            StateStore.Staged state = tb.broker().stateStore("test.session").stage("client-1", new byte[] {1});
            storage.batches.clear();

            failsWith(s.sendStoredWith(Route.exchange("no-such-exchange", "k"), TestBroker.text("x"),
                    List.of(state)), ErrorCode.NOT_FOUND);

            assertThat(storage.batches).isEmpty();
        }
    }
}
