package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IntegrityAuditTest {

    private static SequenceTracker received(int producer, long... sequences) {
        SequenceTracker t = new SequenceTracker();
        for (long s : sequences) {
            t.record(producer, s);
        }
        return t;
    }

    @Test
    void everySequenceReceivedOnceIsClean() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 1, 2, 3)), Map.of(0, 4L));
        assertThat(i).isEqualTo(new Integrity(4, 4, 0, 0, 0, 0, 0));
        assertThat(i.clean()).isTrue();
    }

    @Test
    void gapsAreLost() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 2, 5)), Map.of(0, 6L));
        assertThat(i.lost()).isEqualTo(3);
        assertThat(i.delivered()).isEqualTo(3);
        assertThat(i.clean()).isFalse();
    }

    @Test
    void aRepeatToTheSameConsumerIsADuplicate() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 1, 1, 2, 1)), Map.of(0, 3L));
        assertThat(i.duplicated()).isEqualTo(2);
        assertThat(i.lost()).isZero();
        assertThat(i.outOfOrder()).isZero();
    }

    @Test
    void theSameMessageAtTwoConsumersOfOneQueueIsADuplicate() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 1), received(0, 1, 2)), Map.of(0, 3L));
        assertThat(i).isEqualTo(new Integrity(3, 4, 0, 1, 0, 0, 0));
    }

    @Test
    void messagesSplitAcrossConsumersOfOneQueueAreNotLost() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 2, 4), received(0, 1, 3)), Map.of(0, 5L));
        assertThat(i.clean()).isTrue();
        assertThat(i.delivered()).isEqualTo(5);
    }

    @Test
    void anEarlierSequenceAfterALaterOneIsOutOfOrderButNotLost() {
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 2, 1, 3)), Map.of(0, 4L));
        assertThat(i.outOfOrder()).isEqualTo(1);
        assertThat(i.clean()).isTrue();
    }

    @Test
    void producersAreTrackedSeparately() {
        SequenceTracker t = new SequenceTracker();
        t.record(0, 0);
        t.record(1, 0);
        t.record(0, 1);
        t.record(1, 1);
        Integrity i = IntegrityAudit.group(List.of(t), Map.of(0, 2L, 1, 3L));
        assertThat(i).isEqualTo(new Integrity(5, 4, 1, 0, 0, 0, 0));
    }

    @Test
    void sequencesNeverSentAndForeignProducersAndUnstampedMessagesAreUnexpected() {
        SequenceTracker t = received(0, 0, 1, 7);
        t.record(9, 0);
        t.recordUnstamped();
        Integrity i = IntegrityAudit.group(List.of(t), Map.of(0, 2L));
        assertThat(i.unexpected()).isEqualTo(3);
        assertThat(i.lost()).isZero();
        assertThat(i.duplicated()).isZero();
        assertThat(i.delivered()).isEqualTo(5);
        assertThat(i.clean()).isFalse();
    }

    @Test
    void aLostMessageThatWasConfirmedIsCountedAsABrokenPromise() {
        BitSet confirmed = new BitSet();
        confirmed.set(0, 3); // 0, 1 and 2 confirmed; 3 sent but never confirmed
        Integrity i = IntegrityAudit.group(List.of(received(0, 0, 2)), Map.of(0, 4L), Map.of(0, confirmed));
        assertThat(i.lost()).isEqualTo(2);
        assertThat(i.lostConfirmed()).isEqualTo(1);
    }
}
