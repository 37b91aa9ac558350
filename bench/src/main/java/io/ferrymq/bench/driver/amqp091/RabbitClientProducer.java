package io.ferrymq.bench.driver.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.Stamp;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes stamped messages on a channel in confirm mode: each send that asks for a confirmation waits, by its
 * publish sequence number, for the broker's basic.ack (or basic.nack), single or multiple.
 */
final class RabbitClientProducer implements ProducerLink {

    private final Connection connection;
    private final Channel channel;
    private final String exchange;
    private final String routingKey;
    private final int id;
    private final ConcurrentNavigableMap<Long, Confirmation> unconfirmed = new ConcurrentSkipListMap<>();

    private RabbitClientProducer(Connection connection, Channel channel, String exchange, String routingKey, int id) {
        this.connection = connection;
        this.channel = channel;
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.id = id;
    }

    static RabbitClientProducer start(Connection connection, Channel channel, String exchange, String routingKey, int id)
            throws IOException {
        RabbitClientProducer p = new RabbitClientProducer(connection, channel, exchange, routingKey, id);
        channel.confirmSelect();
        channel.addConfirmListener((tag, multiple) -> p.settle(tag, multiple, null),
                (tag, multiple) -> p.settle(tag, multiple, "producer " + id + ": the broker nacked the message"));
        return p;
    }

    private void settle(long tag, boolean multiple, String failure) {
        Map<Long, Confirmation> settled = multiple ? unconfirmed.headMap(tag, true) : null;
        if (settled != null) {
            for (Confirmation c : settled.values()) {
                finish(c, failure);
            }
            settled.clear();
        } else {
            Confirmation c = unconfirmed.remove(tag);
            if (c != null) {
                finish(c, failure);
            }
        }
    }

    private static void finish(Confirmation c, String failure) {
        if (failure == null) {
            c.confirmed();
        } else {
            c.failed(failure);
        }
    }

    @Override
    public void send(OutgoingMessage message, Confirmation confirmation) throws Exception {
        Stamp s = message.stamp();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .deliveryMode(message.persistent() ? 2 : 1)
                .headers(Map.of(Stamp.PRODUCER, s.producer(), Stamp.SEQUENCE, s.sequence(), Stamp.SENT, s.sentNanos()))
                .build();
        // Channel methods are serialised by the client: the sequence number read is the one this publish gets.
        synchronized (channel) {
            long seq = channel.getNextPublishSeqNo();
            if (confirmation != null) {
                unconfirmed.put(seq, confirmation);
            }
            channel.basicPublish(exchange, routingKey, props, message.body());
        }
    }

    @Override
    public void close() {
        for (Confirmation c : unconfirmed.values()) {
            c.failed("producer " + id + ": closed before the broker confirmed");
        }
        unconfirmed.clear();
        RabbitClientDriver.closeQuietly(connection);
    }
}
