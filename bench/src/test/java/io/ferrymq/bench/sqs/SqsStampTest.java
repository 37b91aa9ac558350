package io.ferrymq.bench.sqs;

import io.ferrymq.bench.driver.Stamp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqsStampTest {

    @Test
    void aStampSurvivesTheRoundTripAndTheBodyHasTheRequestedSize() {
        String body = SqsStamp.encode(7, 123_456_789L, 987_654_321_000L, 1024);
        assertThat(body).hasSize(1024).startsWith("fb1:");
        assertThat(SqsStamp.decode(body)).isEqualTo(new Stamp(7, 123_456_789L, 987_654_321_000L));
    }

    @Test
    void extremeValuesRoundTrip() {
        // nanoTime may be negative; producer and sequence use their whole ranges
        Stamp s = SqsStamp.decode(SqsStamp.encode(Integer.MAX_VALUE, Long.MAX_VALUE, -42L, 0));
        assertThat(s).isEqualTo(new Stamp(Integer.MAX_VALUE, Long.MAX_VALUE, -42L));
        assertThat(SqsStamp.decode(SqsStamp.encode(0, 0, Long.MIN_VALUE, 10))).isEqualTo(new Stamp(0, 0, Long.MIN_VALUE));
    }

    @Test
    void aSizeBelowTheStampStillCarriesTheWholeStamp() {
        String body = SqsStamp.encode(1, 2, 3, 5);
        assertThat(body).hasSize(SqsStamp.LENGTH).hasSize(45);
        assertThat(SqsStamp.decode(body)).isEqualTo(new Stamp(1, 2, 3));
    }

    @Test
    void theBodyIsValidSqsText() {
        // SQS allows #x9 #xA #xD and #x20 to #xD7FF ...; the stamp and filler are plain ASCII letters and digits
        assertThat(SqsStamp.encode(3, 99, System.nanoTime(), 300)).matches("[a-z0-9:]+");
    }

    @Test
    void whatIsNotAStampDecodesToNull() {
        String good = SqsStamp.encode(1, 2, 3, 64);
        assertThat(SqsStamp.decode(null)).isNull();
        assertThat(SqsStamp.decode("")).isNull();
        assertThat(SqsStamp.decode("hello world")).isNull();
        assertThat(SqsStamp.decode("xb1:" + good.substring(4))).isNull();
        assertThat(SqsStamp.decode(good.substring(0, SqsStamp.LENGTH - 1))).isNull();
        assertThat(SqsStamp.decode(good.substring(0, 10) + "zz" + good.substring(12))).isNull();
        assertThat(SqsStamp.decode(good.substring(0, SqsStamp.LENGTH - 1) + "x" + good.substring(SqsStamp.LENGTH)))
                .isNull();
    }
}
