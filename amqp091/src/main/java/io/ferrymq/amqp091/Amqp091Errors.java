package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;

/**
 * The one mapping of core errors to AMQP 0-9-1 reply codes, as RabbitMQ answers the same failures. The
 * reply text is RabbitMQ's form, {@code NOT_FOUND - no queue 'q' in vhost '/'}: the code's name, then the
 * exception's message; never a Java class name.
 */
final class Amqp091Errors {

    private Amqp091Errors() {
    }

    /** The reply code for a core error. A new error code must be given its reply code here. */
    static int replyCode(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> ReplyCodes.ACCESS_REFUSED;
            case NOT_FOUND -> ReplyCodes.NOT_FOUND;
            case PRECONDITION_FAILED, INVALID_ARGUMENT, ILLEGAL_STATE, RESOURCE_LIMIT_EXCEEDED ->
                    ReplyCodes.PRECONDITION_FAILED;
            case RESOURCE_LOCKED -> ReplyCodes.RESOURCE_LOCKED;
            case DISK_FULL -> ReplyCodes.RESOURCE_ERROR;
            case UNAVAILABLE -> ReplyCodes.CONNECTION_FORCED;
            case INTERNAL -> ReplyCodes.INTERNAL_ERROR;
        };
    }

    /** The close a core error causes: the reply code and its text. */
    static Reply of(BrokerException e) {
        return reply(replyCode(e.code()), e.getMessage());
    }

    static Reply reply(int code, String detail) {
        String firstLine = detail == null ? "" : detail.lines().findFirst().orElse("");
        return new Reply(code, ReplyCodes.name(code) + " - " + firstLine);
    }

    /** A reply code and text; a connection error closes the connection, the others only the channel. */
    record Reply(int code, String text) {
        boolean connectionError() {
            return ReplyCodes.isConnectionError(code);
        }
    }
}
