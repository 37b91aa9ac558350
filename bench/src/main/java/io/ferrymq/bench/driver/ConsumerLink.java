package io.ferrymq.bench.driver;

/** One consumer connection with its subscription. */
public interface ConsumerLink extends AutoCloseable {

    /** Acknowledges whatever a cumulative ack mode still holds, then disconnects. */
    @Override
    void close();
}
