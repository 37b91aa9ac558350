package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the one AMQP 0-9-1 error mapping: every core error code becomes the reply code RabbitMQ
 * uses for it, with RabbitMQ's text form ({@code NAME - message}) and no Java class name.
 */
class Amqp091ErrorsTest {

    private static final Map<ErrorCode, Integer> EXPECTED = Map.ofEntries(
            Map.entry(ErrorCode.AUTHENTICATION_FAILED, 403),
            Map.entry(ErrorCode.UNAUTHORIZED, 403),
            Map.entry(ErrorCode.NOT_FOUND, 404),
            Map.entry(ErrorCode.PRECONDITION_FAILED, 406),
            Map.entry(ErrorCode.RESOURCE_LOCKED, 405),
            Map.entry(ErrorCode.RESOURCE_LIMIT_EXCEEDED, 406),
            Map.entry(ErrorCode.DISK_FULL, 506),
            Map.entry(ErrorCode.INVALID_ARGUMENT, 406),
            Map.entry(ErrorCode.ILLEGAL_STATE, 406),
            Map.entry(ErrorCode.UNAVAILABLE, 320),
            Map.entry(ErrorCode.INTERNAL, 541));

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCode.class)
    void everyErrorCodeHasRabbitMqsReplyCodeAndText(ErrorCode code) {
        assertThat(EXPECTED).as("a reply code is expected for every error code").containsKey(code);
        BrokerException e = new BrokerException(code, "queue 'orders' said no\nsecond line");

        Amqp091Errors.Reply reply = Amqp091Errors.of(e);

        assertThat(reply.code()).isEqualTo(EXPECTED.get(code));
        assertThat(reply.text()).isEqualTo(ReplyCodes.name(reply.code()) + " - queue 'orders' said no");
        assertThat(reply.text()).doesNotContain("Exception", "io.ferrymq");
        // Channel errors for what a client asked; the connection goes only for the codes the spec makes so.
        assertThat(reply.connectionError()).isEqualTo(reply.code() == 320 || reply.code() >= 500);
    }
}
