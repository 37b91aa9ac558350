package io.ferrymq.aws.wire;

/**
 * An error answered in AWS's terms: the Query protocol's error code (also sent in JSON's
 * {@code x-amzn-query-error} header), the JSON protocol's type name, the HTTP status and whose fault it is.
 */
public final class AwsError extends RuntimeException {

    private final String code;
    private final String jsonType;
    private final int status;
    private final boolean senderFault;

    public AwsError(String code, String jsonType, int status, boolean senderFault, String message) {
        super(message, null, false, false);
        this.code = code;
        this.jsonType = jsonType == null ? code : jsonType;
        this.status = status;
        this.senderFault = senderFault;
    }

    /** A client error whose code is the same in both wire protocols. */
    public static AwsError sender(String code, int status, String message) {
        return new AwsError(code, code, status, true, message);
    }

    public static AwsError badRequest(String code, String message) {
        return sender(code, 400, message);
    }

    public String code() {
        return code;
    }

    public String jsonType() {
        return jsonType;
    }

    public int status() {
        return status;
    }

    public boolean senderFault() {
        return senderFault;
    }

    @Override
    public String toString() {
        return code + " (" + status + "): " + getMessage();
    }
}
