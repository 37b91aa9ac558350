package io.ferrymq.bench.driver;

/** Receives benchmark messages on a client library thread; called sequentially per consumer link. */
public interface MessageListener {

    /**
     * @param stamp     the message's stamp; null for a message without one (not sent by this run)
     * @param bodyBytes the body's length
     */
    void onMessage(Stamp stamp, int bodyBytes);
}
