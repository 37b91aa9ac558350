package io.ferrymq.aws.fifo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeduplicationWindowTest {

    private static final long WINDOW = FifoRules.DEDUPLICATION_WINDOW_MILLIS;

    private static CompletableFuture<ObjectNode> answer(String id) {
        return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("MessageId", id));
    }

    @Test
    void aDuplicateWithinTheWindowIsNotSentAndGetsTheFirstAnswer() {
        DeduplicationWindow w = new DeduplicationWindow();
        AtomicInteger sends = new AtomicInteger();

        ObjectNode first = w.once("k", 1_000, e -> { sends.incrementAndGet(); return answer("m1"); }).join();
        ObjectNode again = w.once("k", 1_000 + WINDOW - 1, e -> { sends.incrementAndGet(); return answer("m2"); }).join();

        assertThat(sends).hasValue(1);
        assertThat(again).isEqualTo(first).isNotSameAs(first);
        assertThat(again.get("MessageId").asText()).isEqualTo("m1");
    }

    @Test
    void afterTheWindowTheSameKeySendsAgain() {
        DeduplicationWindow w = new DeduplicationWindow();
        w.once("k", 1_000, e -> answer("m1")).join();

        assertThat(w.once("k", 1_000 + WINDOW, e -> answer("m2")).join().get("MessageId").asText()).isEqualTo("m2");
    }

    @Test
    void theSendIsToldWhenItsWindowEnds() {
        List<Long> ends = new ArrayList<>();
        new DeduplicationWindow().once("k", 5_000, e -> { ends.add(e); return answer("m"); }).join();

        assertThat(ends).containsExactly(5_000 + WINDOW);
    }

    @Test
    void aFailedSendIsForgottenSoThatARetrySends() {
        DeduplicationWindow w = new DeduplicationWindow();
        CompletableFuture<ObjectNode> failed = w.once("k", 1_000,
                e -> CompletableFuture.failedFuture(new IllegalStateException("disk full")));
        assertThatThrownBy(failed::join).hasRootCauseMessage("disk full");

        assertThat(w.once("k", 1_001, e -> answer("m2")).join().get("MessageId").asText()).isEqualTo("m2");
    }

    @Test
    void aSendThatThrowsFailsItsAnswerAndIsForgotten() {
        DeduplicationWindow w = new DeduplicationWindow();
        CompletableFuture<ObjectNode> failed = w.once("k", 1_000, e -> { throw new IllegalStateException("closed"); });
        assertThatThrownBy(failed::join).hasRootCauseMessage("closed");

        assertThat(w.once("k", 1_001, e -> answer("m2")).join().get("MessageId").asText()).isEqualTo("m2");
    }

    @Test
    void aRestoredAnswerIsGivenToDuplicatesUntilItExpires() {
        DeduplicationWindow w = new DeduplicationWindow();
        w.restore("k", JsonNodeFactory.instance.objectNode().put("MessageId", "before-restart"), 10_000);

        assertThat(w.once("k", 9_999, e -> answer("new")).join().get("MessageId").asText()).isEqualTo("before-restart");
        assertThat(w.once("k", 10_000, e -> answer("new")).join().get("MessageId").asText()).isEqualTo("new");
    }

    @Test
    void expiredKeysAreDroppedAndReportedOnceManyAreRemembered() {
        List<String> forgotten = new ArrayList<>();
        DeduplicationWindow w = new DeduplicationWindow(forgotten::add);
        for (int i = 0; i <= 10_000; i++) {
            w.once("old-" + i, 0, e -> answer("m"));
        }

        w.once("new", WINDOW, e -> answer("m")).join();

        assertThat(forgotten).hasSize(10_001).contains("old-0", "old-10000");
    }
}
