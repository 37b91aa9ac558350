package io.ferrymq.amqp;

import io.ferrymq.amqp.message.HumanText;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transaction.TransactionErrors;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ConnectionError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The core's error codes as AMQP error conditions, with the core's explanation as the description. Descriptions
 * are for people: they never carry a Java exception's class name.
 */
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

    static final String INTERNAL_DESCRIPTION = "the broker failed because of an internal error; the broker's log"
            + " has the details for its operator";

    private static final Logger LOG = LoggerFactory.getLogger(AmqpErrors.class);

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

    /**
     * The error for a failure: a broker error's own explanation, and for anything else (a fault in the broker,
     * not the client's doing) a plain statement, with the details logged once for the operator.
     */
    static ErrorCondition of(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof BrokerException e)) {
            LOG.warn("Internal failure reported to an AMQP client as {}", INTERNAL, cause);
            return new ErrorCondition(INTERNAL, INTERNAL_DESCRIPTION);
        }
        return of(condition(e.code()), e.getMessage());
    }

    /** An error with this description, any Java class name in it taken out. */
    static ErrorCondition of(Symbol condition, String description) {
        return new ErrorCondition(condition, HumanText.of(description, INTERNAL_DESCRIPTION));
    }

    /** The same error with a description fit for a person (Proton's own conditions can carry exception names). */
    static ErrorCondition humane(ErrorCondition error) {
        if (error == null || error.getDescription() == null) {
            return error;
        }
        String text = HumanText.of(error.getDescription(), "the broker could not process the connection's input");
        if (text.equals(error.getDescription())) {
            return error;
        }
        ErrorCondition copy = new ErrorCondition(error.getCondition(), text);
        copy.setInfo(error.getInfo());
        return copy;
    }
}
