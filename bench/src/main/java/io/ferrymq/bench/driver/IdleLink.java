package io.ferrymq.bench.driver;

/** A connected, authenticated client that does nothing (for the connection-scale scenario). */
public interface IdleLink extends AutoCloseable {

    @Override
    void close();
}
