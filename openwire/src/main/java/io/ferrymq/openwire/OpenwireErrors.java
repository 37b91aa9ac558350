package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;

/**
 * OpenWire's errors are JMS exceptions carried in an ExceptionResponse (or a ConnectionError): the client
 * rebuilds the exception from its class name and message and throws it from the JMS call. Every core
 * {@link ErrorCode} has its JMS exception here; the text is the core exception's message. The broker never
 * enables stack traces in the wire format, so no broker internals reach the client.
 */
final class OpenwireErrors {

    private OpenwireErrors() {
    }

    /** The JMS exception a client gets for a core error. A new error code must be given its exception here. */
    static JMSException of(ErrorCode code, String message) {
        String text = message == null || message.isEmpty() ? describe(code) : message;
        JMSException e = switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> new JMSSecurityException(text, code.name());
            case NOT_FOUND -> new InvalidDestinationException(text, code.name());
            case PRECONDITION_FAILED, RESOURCE_LOCKED, ILLEGAL_STATE -> new IllegalStateException(text, code.name());
            case RESOURCE_LIMIT_EXCEEDED, DISK_FULL -> new ResourceAllocationException(text, code.name());
            case INVALID_ARGUMENT, UNAVAILABLE, INTERNAL -> new JMSException(text, code.name());
        };
        // Built here, never thrown: the stack trace would only describe this method.
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    static JMSException of(BrokerException e) {
        return of(e.code(), e.getMessage());
    }

    /** A refused selector is the JMS InvalidSelectorException, whatever the core calls it. */
    static JMSException invalidSelector(String selector, String reason) {
        JMSException e = new InvalidSelectorException("invalid selector '" + selector + "': " + reason,
                ErrorCode.INVALID_ARGUMENT.name());
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    /** A commit that failed: the JMS client expects the transaction to be gone. */
    static JMSException commitFailed(BrokerException cause) {
        JMSException e = new TransactionRolledBackException("the transaction was rolled back: " + cause.getMessage(),
                cause.code().name());
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    private static String describe(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> "authentication failed";
            case UNAUTHORIZED -> "not authorized";
            case NOT_FOUND -> "not found";
            case PRECONDITION_FAILED -> "precondition failed";
            case RESOURCE_LOCKED -> "resource locked";
            case RESOURCE_LIMIT_EXCEEDED -> "resource limit exceeded";
            case DISK_FULL -> "the broker's disk is full";
            case INVALID_ARGUMENT -> "invalid argument";
            case ILLEGAL_STATE -> "illegal state";
            case UNAVAILABLE -> "the broker is unavailable";
            case INTERNAL -> "internal error";
        };
    }
}
