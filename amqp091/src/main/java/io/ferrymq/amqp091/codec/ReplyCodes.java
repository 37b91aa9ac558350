package io.ferrymq.amqp091.codec;

/** The spec's reply codes, by the names RabbitMQ puts at the start of a close's reply text. */
public final class ReplyCodes {

    public static final int REPLY_SUCCESS = 200;
    public static final int NO_ROUTE = 312;
    public static final int CONNECTION_FORCED = 320;
    public static final int ACCESS_REFUSED = 403;
    public static final int NOT_FOUND = 404;
    public static final int RESOURCE_LOCKED = 405;
    public static final int PRECONDITION_FAILED = 406;
    public static final int FRAME_ERROR = 501;
    public static final int SYNTAX_ERROR = 502;
    public static final int COMMAND_INVALID = 503;
    public static final int CHANNEL_ERROR = 504;
    public static final int UNEXPECTED_FRAME = 505;
    public static final int RESOURCE_ERROR = 506;
    public static final int NOT_ALLOWED = 530;
    public static final int NOT_IMPLEMENTED = 540;
    public static final int INTERNAL_ERROR = 541;

    private ReplyCodes() {
    }

    /** The code's name as RabbitMQ writes it ({@code NOT_FOUND}). */
    public static String name(int code) {
        return switch (code) {
            case REPLY_SUCCESS -> "OK";
            case NO_ROUTE -> "NO_ROUTE";
            case CONNECTION_FORCED -> "CONNECTION_FORCED";
            case ACCESS_REFUSED -> "ACCESS_REFUSED";
            case NOT_FOUND -> "NOT_FOUND";
            case RESOURCE_LOCKED -> "RESOURCE_LOCKED";
            case PRECONDITION_FAILED -> "PRECONDITION_FAILED";
            case FRAME_ERROR -> "FRAME_ERROR";
            case SYNTAX_ERROR -> "SYNTAX_ERROR";
            case COMMAND_INVALID -> "COMMAND_INVALID";
            case CHANNEL_ERROR -> "CHANNEL_ERROR";
            case UNEXPECTED_FRAME -> "UNEXPECTED_FRAME";
            case RESOURCE_ERROR -> "RESOURCE_ERROR";
            case NOT_ALLOWED -> "NOT_ALLOWED";
            case NOT_IMPLEMENTED -> "NOT_IMPLEMENTED";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            default -> "ERROR";
        };
    }

    /** Whether the spec makes the code a connection error (the rest close only the channel). */
    public static boolean isConnectionError(int code) {
        return code == CONNECTION_FORCED || code >= 500;
    }
}
