package io.ferrymq.tests.matrix.endpoint;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * AMQP 0-9-1 through the RabbitMQ Java client: a queue is published to through the default exchange, a
 * topic key through {@code amq.topic}; every publish waits for its publisher confirm.
 */
public final class Amqp091Endpoint implements ProtocolEndpoint {

    private final ConnectionFactory factory = new ConnectionFactory();
    private final Connection sender;
    private final Channel senderChannel;

    public Amqp091Endpoint(MatrixBroker broker) throws Exception {
        factory.setHost("127.0.0.1");
        factory.setPort(broker.mixedPort());
        factory.setUsername(MatrixBroker.USER);
        factory.setPassword(MatrixBroker.PASSWORD);
        factory.setAutomaticRecoveryEnabled(false);
        sender = factory.newConnection("matrix-sender");
        senderChannel = sender.createChannel();
        senderChannel.confirmSelect();
    }

    @Override
    public String name() {
        return "AMQP 0-9-1";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.both(EnumSet.allOf(Feature.class));
    }

    @Override
    public void send(Destination d, TestMessage m) throws Exception {
        String contentType = m.contentType() != null ? m.contentType()
                : m.text() ? "text/plain; charset=utf-8" : "application/octet-stream";
        AMQP.BasicProperties.Builder p = new AMQP.BasicProperties.Builder().deliveryMode(2).contentType(contentType);
        if (!m.properties().isEmpty()) {
            p.headers(new LinkedHashMap<>(m.properties()));
        }
        if (m.priority() != null) {
            p.priority(m.priority());
        }
        if (m.ttlMillis() != null) {
            p.expiration(Long.toString(m.ttlMillis()));
        }
        if (d.route() == Destination.Route.QUEUE) {
            senderChannel.basicPublish("", d.queue(), p.build(), m.body());
        } else {
            senderChannel.basicPublish("amq.topic", d.topicKey(), p.build(), m.body());
        }
        senderChannel.waitForConfirmsOrDie(20_000);
    }

    @Override
    public Inbox listen(Destination d) throws Exception {
        return new Amqp091Inbox(d.queue());
    }

    @Override
    public void close() throws Exception {
        sender.close();
    }

    private final class Amqp091Inbox implements Inbox {
        private final String queue;
        private Connection connection;
        private Channel channel;
        private BlockingQueue<Delivery> deliveries;

        Amqp091Inbox(String queue) throws Exception {
            this.queue = queue;
            subscribe();
        }

        private void subscribe() throws Exception {
            connection = factory.newConnection("matrix-receiver");
            channel = connection.createChannel();
            BlockingQueue<Delivery> into = new LinkedBlockingQueue<>();
            deliveries = into;
            channel.basicConsume(queue, false, (tag, delivery) -> into.add(delivery), tag -> { });
        }

        @Override
        public ReceivedMessage receive(Duration timeout) throws Exception {
            Delivery d = deliveries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (d == null) {
                return null;
            }
            channel.basicAck(d.getEnvelope().getDeliveryTag(), false);
            return received(d);
        }

        @Override
        public ReceivedMessage receiveUnsettled(Duration timeout) throws Exception {
            Delivery d = deliveries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return d == null ? null : received(d);
        }

        /** A closed connection gives back its unacknowledged messages. */
        @Override
        public void abandon() throws Exception {
            connection.close();
            subscribe();
        }

        @Override
        public void close() throws Exception {
            if (connection.isOpen()) {
                connection.close();
            }
        }
    }

    private static ReceivedMessage received(Delivery d) {
        AMQP.BasicProperties p = d.getProperties();
        Map<String, String> props = new LinkedHashMap<>();
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((k, v) -> props.put(k, String.valueOf(v)));
        }
        Long expiresAt = p.getExpiration() == null ? null
                : System.currentTimeMillis() + Long.parseLong(p.getExpiration());
        String type = p.getContentType();
        // The broker leaves out the default priority (4), as a RabbitMQ client would leave it unset.
        Integer priority = p.getPriority() == null ? 4 : p.getPriority();
        return new ReceivedMessage(d.getBody(), type, props, priority, expiresAt, d.getEnvelope().isRedeliver(),
                type != null && type.trim().toLowerCase(Locale.ROOT).startsWith("text/"));
    }
}
