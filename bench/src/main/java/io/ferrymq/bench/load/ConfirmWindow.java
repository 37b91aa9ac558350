package io.ferrymq.bench.load;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Bounds one producer's unconfirmed sends. A window of 0 means the producer asks for no confirmations. */
final class ConfirmWindow {

    private final int size;
    private final Semaphore permits;

    ConfirmWindow(int size) {
        this.size = size;
        this.permits = new Semaphore(size);
    }

    boolean confirming() {
        return size > 0;
    }

    /** Takes a slot, waiting at most {@code millis}; false if none freed in time. */
    boolean acquire(long millis) throws InterruptedException {
        return !confirming() || permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    void release() {
        permits.release();
    }

    /** Waits until every slot is back (all sends confirmed or failed); false on time-out. */
    boolean awaitAllConfirmed(long millis) throws InterruptedException {
        if (!confirming()) {
            return true;
        }
        if (permits.tryAcquire(size, millis, TimeUnit.MILLISECONDS)) {
            permits.release(size);
            return true;
        }
        return false;
    }

    int outstanding() {
        return confirming() ? size - permits.availablePermits() : 0;
    }
}
