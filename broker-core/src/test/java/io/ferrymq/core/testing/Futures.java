package io.ferrymq.core.testing;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Assertions on the futures the core returns, which in virtual time are complete when a call returns. */
public final class Futures {

    private Futures() {
    }

    /** The core's error a future failed with; fails the test if it is pending or succeeded. */
    public static BrokerException failure(CompletableFuture<?> f) {
        if (!f.isDone()) {
            throw new AssertionError("expected a failed future, but it is still pending");
        }
        try {
            Object v = f.join();
            throw new AssertionError("expected a failed future, but it completed with " + v);
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return BrokerException.from(e);
        }
    }

    /** Asserts the future failed with {@code code}, and returns the error for further checks. */
    public static BrokerException failsWith(CompletableFuture<?> f, ErrorCode code) {
        BrokerException e = failure(f);
        if (e.code() != code) {
            throw new AssertionError("expected " + code + " but failed with " + e.code() + ": " + e.getMessage(), e);
        }
        return e;
    }

    /** The value of a future that must already have completed normally. */
    public static <T> T done(CompletableFuture<T> f) {
        if (!f.isDone()) {
            throw new AssertionError("expected a completed future, but it is still pending");
        }
        return f.join();
    }
}
