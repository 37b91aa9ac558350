package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Scheduler;
import io.ferrymq.core.exec.SerialExecutor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Pulls (SQS receives, basic.get): each waits, up to its wait time, among the queue's receivers and
 * answers as soon as it has collected something. Runs on the queue's executor.
 */
final class Pulls {

    private final Queue queue;
    private final QueueState state;
    private final Scheduler scheduler;
    private final SerialExecutor executor;
    private final Runnable dispatch;

    Pulls(Queue queue, QueueState state, Scheduler scheduler, SerialExecutor executor, Runnable dispatch) {
        this.queue = queue;
        this.state = state;
        this.scheduler = scheduler;
        this.executor = executor;
        this.dispatch = dispatch;
    }

    /** See {@link Queue#pull}. */
    CompletableFuture<List<Delivery>> pull(PullOptions options, long connectionId) {
        if (state.deleted) {
            throw queue.gone();
        }
        PullRequest p = new PullRequest(options, connectionId);
        state.pulls.add(p);
        dispatch.run();
        if (!p.result.isDone()) {
            if (options.waitMillis() == 0) {
                finish(p);
            } else {
                p.timer = scheduler.schedule(() -> executor.execute(() -> {
                    if (!p.result.isDone()) {
                        finish(p);
                    }
                }), options.waitMillis());
            }
        }
        return p.result;
    }

    private void finish(PullRequest p) {
        state.pulls.remove(p);
        // Groups it took stay blocked until their messages settle: nobody else is that owner.
        state.groups.transfer(p, new Object());
        p.complete();
    }
}
