package io.ferrymq.bench.driver.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.IdleLink;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.ProducerSpec;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * AMQP 0-9-1 through the RabbitMQ Java client ({@code amqp-client}), as legacy RabbitMQ applications use it, against
 * FerryMQ and RabbitMQ alike.
 *
 * <p>How the load generator's terms map: a queue is a durable AMQP queue of that name (declared by producers and
 * consumers alike, so either may come first), published to through the default exchange; a topic is the
 * {@code amq.topic} exchange with the name as routing key, each subscriber on its own exclusive server-named
 * queue bound to it. The endpoint's queue and topic prefixes are not used (AMQP 0-9-1 names carry none). A
 * persistent message has delivery mode 2, a non-persistent one 1; every producer's channel is in confirm mode
 * and a send asking for a confirmation completes on the broker's basic.ack (a basic.nack fails it). Ack mode
 * {@code auto} is a no-ack consumer, {@code client} a cumulative basic.ack (multiple) every N messages,
 * {@code client-individual} one basic.ack per message; the prefetch is the consumer's basic.qos.
 */
public final class RabbitClientDriver implements Driver {

    private final Endpoint endpoint;
    private final DriverErrors errors;
    private final ConnectionFactory factory = new ConnectionFactory();
    /** Runs the blocking connects of idle connections, so that many handshakes can be under way at once. */
    private final ExecutorService connecting = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "amqp091-connect");
        t.setDaemon(true);
        return t;
    });

    public RabbitClientDriver(Endpoint endpoint, DriverErrors errors) {
        this.endpoint = endpoint;
        this.errors = errors;
        factory.setHost(endpoint.host());
        factory.setPort(endpoint.port());
        factory.setUsername(endpoint.username());
        factory.setPassword(endpoint.password());
        factory.setVirtualHost(endpoint.virtualHost() == null ? "/" : endpoint.virtualHost());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        if (endpoint.tls() != null) {
            factory.useSslProtocol(endpoint.tls().sslContext());
            factory.enableHostnameVerification();
        }
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) throws Exception {
        Connection connection = connect("producer " + spec.id());
        try {
            Channel channel = connection.createChannel();
            String exchange;
            String routingKey;
            if (spec.kind() == DestinationKind.QUEUE) {
                declareQueue(channel, spec.destination());
                exchange = "";
                routingKey = spec.destination();
            } else {
                exchange = "amq.topic";
                routingKey = spec.destination();
            }
            return RabbitClientProducer.start(connection, channel, exchange, routingKey, spec.id());
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception {
        Connection connection = connect("consumer " + spec.id());
        try {
            Channel channel = connection.createChannel();
            String queue;
            if (spec.kind() == DestinationKind.QUEUE) {
                queue = spec.destination();
                declareQueue(channel, queue);
            } else {
                queue = channel.queueDeclare().getQueue();
                channel.queueBind(queue, "amq.topic", spec.destination());
            }
            if (spec.prefetch() > 0) {
                channel.basicQos(spec.prefetch());
            }
            // basicConsume returns after consume-ok: the subscription is in place.
            return RabbitClientConsumer.start(connection, channel, queue, spec, listener, errors);
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection c = connect("idle");
                return () -> closeQuietly(c);
            } catch (IOException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }, connecting);
    }

    private static void declareQueue(Channel channel, String name) throws IOException {
        channel.queueDeclare(name, true, false, false, null);
    }

    /** Opens a connection, reporting a later loss of it (not one the run closed) as a run error. */
    private Connection connect(String role) throws IOException, TimeoutException {
        Connection c = factory.newConnection(role);
        c.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                errors.report(role + ": " + cause.getMessage());
            }
        });
        return c;
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing a connection the broker already dropped: nothing left to release
        }
    }

    /** Each link owns its connection; only the connecting threads are shared. */
    @Override
    public void close() {
        connecting.shutdownNow();
    }
}
