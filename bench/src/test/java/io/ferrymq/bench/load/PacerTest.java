package io.ferrymq.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {

    @Test
    void slotsAreSpacedByTheRate() {
        Pacer p = Pacer.atRate(1000);
        assertThat(p.nextSlot(0)).isZero();
        assertThat(p.nextSlot(0)).isEqualTo(1_000_000);
        assertThat(p.nextSlot(10)).isEqualTo(2_000_000);
    }

    @Test
    void aProducerThatFellBehindCatchesUpByAtMostTheMaximumLag() {
        Pacer p = Pacer.atRate(1000);
        p.nextSlot(0);
        long late = 5_000_000_000L;
        long slot = p.nextSlot(late);
        assertThat(slot).isEqualTo(late - Pacer.MAX_LAG_NANOS);
        assertThat(p.nextSlot(late)).isEqualTo(slot + 1_000_000);
    }

    @Test
    void rateZeroMeansNoPacing() {
        Pacer p = Pacer.atRate(0);
        assertThat(p.unlimited()).isTrue();
        assertThat(p.nextSlot(42)).isEqualTo(42);
    }
}
