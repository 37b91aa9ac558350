package io.ferrymq.amqp;

import io.ferrymq.core.errors.BrokerException;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Error descriptions sent to AMQP clients are written for people, never a Java exception's class name. */
class AmqpErrorsTest {

    @Test
    void aFailureInsideTheBrokerIsDescribedWithoutItsExceptionClass() {
        ErrorCondition error = AmqpErrors.of(new CompletionException(new IllegalStateException("journal closed")));
        assertThat(error.getCondition().toString()).isEqualTo("amqp:internal-error");
        assertThat(error.getDescription()).doesNotContain("IllegalStateException").doesNotContain("java.")
                .contains("internal error");
    }

    @Test
    void aBrokerErrorWrappingAnExceptionKeepsItsMessageButNotTheClassName() {
        // BrokerException.from writes "internal error: " + the exception, class name included.
        ErrorCondition error = AmqpErrors.of(BrokerException.from(new IllegalStateException("the journal is closed")));
        assertThat(error.getDescription()).isEqualTo("internal error: the journal is closed");

        ErrorCondition bare = AmqpErrors.of(BrokerException.from(new NullPointerException()));
        assertThat(bare.getDescription()).doesNotContain("NullPointerException").isNotBlank();
    }

    @Test
    void protonsOwnConditionsLoseTheirExceptionNames() {
        ErrorCondition proton = new ErrorCondition(AmqpErrors.FRAMING_ERROR,
                "org.apache.qpid.proton.codec.DecodeException: Unknown constructor 0xff");
        assertThat(AmqpErrors.humane(proton).getDescription()).isEqualTo("Unknown constructor 0xff");
        assertThat(AmqpErrors.humane(proton).getCondition().toString()).isEqualTo("amqp:connection:framing-error");
    }
}
