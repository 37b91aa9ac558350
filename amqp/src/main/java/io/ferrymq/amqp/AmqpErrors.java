package io.ferrymq.amqp;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.ErrorCode;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transaction.TransactionErrors;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ConnectionError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;

/** The core's error codes as AMQP error conditions, with the core's explanation as the description. */
final class AmqpErrors {

    static final Symbol NOT_FOUND = AmqpError.NOT_FOUND;
    static final Symbol UNAUTHORIZED = AmqpError.UNAUTHORIZED_ACCESS;
    static final Symbol RESOURCE_LIMIT = AmqpError.RESOURCE_LIMIT_EXCEEDED;
    static final Symbol INVALID_FIELD = AmqpError.INVALID_FIELD;
    static final Symbol DECODE_ERROR = AmqpError.DECODE_ERROR;
    static final Symbol RESOURCE_LOCKED = AmqpError.RESOURCE_LOCKED;
    static final Symbol PRECONDITION_FAILED = AmqpError.PRECONDITION_FAILED;
    static final Symbol INTERNAL = AmqpError.INTERNAL_ERROR;
    static final Symbol ILLEGAL_STATE = AmqpError.ILLEGAL_STATE;
    static final Symbol NOT_IMPLEMENTED = AmqpError.NOT_IMPLEMENTED;
    static final Symbol RESOURCE_DELETED = AmqpError.RESOURCE_DELETED;
    static final Symbol FRAMING_ERROR = ConnectionError.FRAMING_ERROR;
    static final Symbol CONNECTION_FORCED = ConnectionError.CONNECTION_FORCED;
    static final Symbol MESSAGE_SIZE_EXCEEDED = LinkError.MESSAGE_SIZE_EXCEEDED;
    static final Symbol DETACH_FORCED = LinkError.DETACH_FORCED;
    static final Symbol TX_UNKNOWN_ID = TransactionErrors.UNKNOWN_ID;
    static final Symbol TX_ROLLBACK = TransactionErrors.TRANSACTION_ROLLBACK;

    private AmqpErrors() {
    }

    static Symbol condition(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> UNAUTHORIZED;
            case NOT_FOUND -> NOT_FOUND;
            case PRECONDITION_FAILED -> PRECONDITION_FAILED;
            case RESOURCE_LOCKED -> RESOURCE_LOCKED;
            case RESOURCE_LIMIT_EXCEEDED, DISK_FULL -> RESOURCE_LIMIT;
            case INVALID_ARGUMENT -> INVALID_FIELD;
            case ILLEGAL_STATE -> ILLEGAL_STATE;
            case UNAVAILABLE -> CONNECTION_FORCED;
            case INTERNAL -> INTERNAL;
        };
    }

    static ErrorCondition of(Throwable t) {
        BrokerException e = BrokerException.from(t);
        return new ErrorCondition(condition(e.code()), e.getMessage());
    }

    static ErrorCondition of(Symbol condition, String description) {
        return new ErrorCondition(condition, description);
    }
}
