package io.ferrymq.core.api;

import io.ferrymq.core.queue.Subscription;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class OwedCreditTest {

    /** Records the credit it is given. */
    private static final class CreditLog implements Subscription {
        final List<Integer> grants = new ArrayList<>();

        @Override public long id() { return 1; }
        @Override public String queueName() { return "q"; }
        @Override public void credit(int n) { grants.add(n); }
        @Override public void creditUpTo(long totalDeliveries) { throw new UnsupportedOperationException(); }
        @Override public CompletableFuture<Integer> drain() { throw new UnsupportedOperationException(); }
        @Override public long delivered() { return 0; }
        @Override public CompletableFuture<Void> close() { return CompletableFuture.completedFuture(null); }
    }

    @Test
    void creditComesBackInBatchesAndWhatIsLeftOnGiveBack() {
        CreditLog sub = new CreditLog();
        OwedCredit owed = new OwedCredit(sub, 3);
        assertThat(owed.owe()).isFalse();
        assertThat(owed.owe()).isFalse();
        assertThat(owed.owe()).as("a full batch").isTrue();
        owed.giveBack();
        owed.owe();
        owed.giveBack();
        owed.giveBack();

        assertThat(sub.grants).containsExactly(3, 1);
        assertThat(owed.owed()).isZero();
    }

    @Test
    void aBatchBelowOneMeansEveryDeliveryIsGivenBackAtOnce() {
        OwedCredit owed = new OwedCredit(new CreditLog(), 0);
        assertThat(owed.owe()).isTrue();
    }
}
