package io.ferrymq.core.api;

/**
 * One channel of a connection as the operator sees it: an AMQP 0-9-1 channel, an AMQP 1.0 session, an OpenWire
 * (JMS) session. Counts a protocol does not have are 0.
 *
 * @param number          the channel's number (AMQP 0-9-1 channel, AMQP 1.0 session position, OpenWire session id)
 * @param consumers       the consumers open on it
 * @param unacknowledged  messages delivered on it and not yet settled by the client
 * @param prefetch        the per-consumer prefetch (AMQP 0-9-1 {@code basic.qos}, OpenWire prefetch, AMQP 1.0
 *                        link credit summed over its links), 0 for none
 * @param globalPrefetch  AMQP 0-9-1's channel-wide {@code basic.qos global=true}, 0 for none
 * @param transactional   whether it is in a local transaction mode
 * @param confirm         whether publisher confirms are on (AMQP 0-9-1)
 */
public record ChannelInfo(int number, int consumers, long unacknowledged, int prefetch, int globalPrefetch,
                          boolean transactional, boolean confirm) { }
