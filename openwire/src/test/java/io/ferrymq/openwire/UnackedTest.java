package io.ferrymq.openwire;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnackedTest {

    private static OpenwireConsumer.Dispatched d(long seq) {
        return new OpenwireConsumer.Dispatched(seq, null);
    }

    private static List<Long> seqs(List<OpenwireConsumer.Dispatched> ds) {
        return ds.stream().map(x -> x.seq).toList();
    }

    private static Unacked of(long... seqs) {
        Unacked u = new Unacked();
        for (long s : seqs) {
            u.put(d(s));
        }
        return u;
    }

    @Test
    void aStandardAckTakesEverythingUpToItsLastMessage() {
        Unacked u = of(1, 2, 3, 5, 8);
        assertThat(seqs(u.takeThrough(5))).containsExactly(1L, 2L, 3L, 5L);
        assertThat(u.size()).isEqualTo(1);
        assertThat(seqs(u.takeThrough(100))).containsExactly(8L);
        assertThat(u.size()).isZero();
        assertThat(u.takeThrough(100)).isEmpty();
    }

    @Test
    void aRangeTakesOnlyWhatIsWithinIt() {
        Unacked u = of(1, 2, 3, 4, 5, 6);
        assertThat(seqs(u.takeRange(3, 3))).containsExactly(3L);
        assertThat(seqs(u.takeRange(5, 9))).containsExactly(5L, 6L);
        assertThat(u.takeRange(3, 3)).isEmpty();
        assertThat(seqs(u.after(0))).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aDeliveryPutBackGoesToItsPlaceInSequence() {
        Unacked u = of(1, 2, 3, 4);
        List<OpenwireConsumer.Dispatched> rolledBack = u.takeThrough(2);
        u.put(d(7));
        rolledBack.forEach(u::put);
        u.put(d(3));
        assertThat(u.size()).isEqualTo(5);
        assertThat(seqs(u.after(Long.MIN_VALUE))).containsExactly(1L, 2L, 3L, 4L, 7L);
        assertThat(seqs(u.after(3))).containsExactly(4L, 7L);
    }

    @Test
    void onlyTheDeliveriesWithoutTheirCreditBackAreUncredited() {
        Unacked u = of(1, 2, 3);
        u.uncreditedThrough(2).forEach(x -> x.credited = true);
        assertThat(seqs(u.uncreditedThrough(3))).containsExactly(3L);
    }

    @Test
    void manyDispatchesAndAcksKeepTheOrder() {
        Unacked u = new Unacked();
        long next = 1;
        long acked = 0;
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 37; i++) {
                u.put(d(next++));
            }
            acked += 29;
            List<OpenwireConsumer.Dispatched> taken = u.takeThrough(acked);
            assertThat(taken).isNotEmpty();
            assertThat(taken.get(taken.size() - 1).seq).isEqualTo(acked);
        }
        assertThat(u.size()).isEqualTo((int) (next - 1 - acked));
        assertThat(u.after(acked).get(0).seq).isEqualTo(acked + 1);
        u.clear();
        assertThat(u.size()).isZero();
    }
}
