package io.ferrymq.aws.fifo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceNumbersTest {

    @Test
    void numbersHaveTwentyDigitsAndStartFromTheClock() {
        assertThat(new SequenceNumbers().next(1_700_000_000_000L)).isEqualTo("01700000000000000000");
    }

    @Test
    void numbersIncreaseEvenWhenTheClockStandsStillOrGoesBack() {
        SequenceNumbers s = new SequenceNumbers();
        String first = s.next(1_000);
        String second = s.next(1_000);
        String third = s.next(999);

        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second).hasSize(20);
    }

    @Test
    void aLaterClockJumpsAhead() {
        SequenceNumbers s = new SequenceNumbers();
        s.next(1_000);

        assertThat(s.next(2_000)).isEqualTo(String.format("%020d", 2_000L * 1_000_000L));
    }
}
