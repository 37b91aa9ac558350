package io.ferrymq.aws.wire;

/** How a request was encoded, and so how its answer must be. */
public enum WireProtocol {
    /** Form-encoded {@code Action=...} with XML answers (older SDKs, awscli 1.x/2.9, SNS). */
    QUERY,
    /** AWS JSON 1.0 with {@code X-Amz-Target} (current SQS SDKs). */
    JSON
}
