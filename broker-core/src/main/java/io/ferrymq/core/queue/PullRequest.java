package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A pull waiting on a queue (long poll), collecting up to its maximum. Owned by the queue's executor. */
final class PullRequest implements Receiver {

    final PullOptions options;
    final long connectionId;
    final CompletableFuture<List<Delivery>> result = new CompletableFuture<>();
    final List<Delivery> collected = new ArrayList<>();
    Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;

    PullRequest(PullOptions options, long connectionId) {
        this.options = options;
        this.connectionId = connectionId;
    }

    @Override
    public boolean hasCredit() {
        return collected.size() < options.maxMessages() && !result.isDone();
    }

    @Override
    public boolean accepts(MessageReference ref) {
        return true;
    }

    void complete() {
        timer.cancel();
        result.complete(List.copyOf(collected));
    }
}
