package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the one STOMP error mapping: every core error code becomes an ERROR frame with a summary
 * of its own, the exception's message as the text a person reads, and no Java class name on the wire.
 */
class StompErrorsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCode.class)
    void everyErrorCodeBecomesAnErrorFrameWithItsSummaryAndTheMessage(ErrorCode code) {
        BrokerException e = new BrokerException(code, "queue 'orders' said no\nsecond line");
        StompFrame send = StompFrame.of("SEND", null, "destination", "/queue/orders", "receipt", "r-7");

        StompFrame error = StompErrors.of(e, send, StompVersion.V1_2);

        assertThat(error.command()).isEqualTo("ERROR");
        assertThat(error.header("message")).isEqualTo(StompErrors.summary(code) + ": queue 'orders' said no");
        assertThat(error.header("receipt-id")).isEqualTo("r-7");
        assertThat(error.header("version")).isEqualTo("1.2");
        assertThat(error.header("content-type")).isEqualTo("text/plain");
        String body = new String(error.body(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("queue 'orders' said no\nsecond line\n\nwhile processing SEND to /queue/orders");
        assertThat(error.header("message") + body).doesNotContain("Exception", "io.ferrymq");
    }

    @Test
    void everyErrorCodeHasASummaryOfItsOwn() {
        assertThat(Arrays.stream(ErrorCode.values()).map(StompErrors::summary))
                .allSatisfy(s -> assertThat(s).isNotBlank())
                .doesNotHaveDuplicates();
    }

    @Test
    void aStomp10ErrorHasNoVersionHeaderAndAnErrorWithoutAFrameNoReceipt() {
        StompFrame error = StompErrors.frame("Heart-beat timeout", "nothing was received", null, StompVersion.V1_0);

        assertThat(error.header("version")).isNull();
        assertThat(error.header("receipt-id")).isNull();
        assertThat(error.header("message")).isEqualTo("Heart-beat timeout: nothing was received");
    }
}
