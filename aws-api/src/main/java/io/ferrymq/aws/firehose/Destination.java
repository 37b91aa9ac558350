package io.ferrymq.aws.firehose;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a delivery stream's batches go. A delivery completes once the batch is delivered or, after its
 * retries, written to the error prefix: either way the records are done with; it fails only when it could do
 * neither (the batch is then tried again).
 */
interface Destination {

    CompletableFuture<Void> deliver(List<BufferedRecord> batch);

    /** When a batch is flushed. */
    Buffering buffering();
}
