package io.ferrymq.bench.driver.openwire;

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
import io.ferrymq.bench.driver.amqp.QpidJmsConsumer;
import io.ferrymq.bench.driver.amqp.QpidJmsDriver;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQMessageProducer;
import org.apache.activemq.ActiveMQSession;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * OpenWire through the ActiveMQ JMS client (activemq-client), which ActiveMQ 5.x, ActiveMQ Artemis and FerryMQ all
 * serve on port 61616: the legacy JMS population's own client, in the load generator's terms as the AMQP 1.0
 * driver maps them. A confirmed send goes out with the client's {@code AsyncCallback} (6.3 refuses JMS 2's
 * CompletionListener), called on the broker's Response, so the confirm window bounds what is in flight; ack mode {@code auto} is AUTO_ACKNOWLEDGE with ActiveMQ's optimized (batched) acks,
 * {@code client} CLIENT_ACKNOWLEDGE, {@code client-individual} ActiveMQ's INDIVIDUAL_ACKNOWLEDGE; the prefetch is
 * {@code jms.prefetchPolicy.all}. JMS names its queues and topics by type, so the endpoint's prefixes do not apply.
 */
public final class ActiveMqDriver implements Driver {

    private final Endpoint endpoint;
    private final DriverErrors errors;
    private final ExecutorService connecting = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "activemq-connect");
        t.setDaemon(true);
        return t;
    });

    public ActiveMqDriver(Endpoint endpoint, DriverErrors errors) {
        if (endpoint.tls() != null) {
            throw new IllegalArgumentException("--tls-ca: the OpenWire driver connects in plaintext only");
        }
        this.endpoint = endpoint;
        this.errors = errors;
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) throws Exception {
        Connection connection = connect(factory(""), "producer " + spec.id());
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Destination destination = destination(session, spec.kind(), spec.destination());
            return new ActiveMqProducer(connection, session,
                    (ActiveMQMessageProducer) session.createProducer(destination), spec.id());
        } catch (JMSException | RuntimeException e) {
            QpidJmsDriver.closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception {
        String options = spec.prefetch() > 0 ? "jms.prefetchPolicy.all=" + spec.prefetch() : "";
        Connection connection = connect(factory(options), "consumer " + spec.id());
        try {
            Session session = connection.createSession(false, switch (spec.ackMode()) {
                case AUTO -> Session.AUTO_ACKNOWLEDGE;
                case CLIENT -> Session.CLIENT_ACKNOWLEDGE;
                case CLIENT_INDIVIDUAL -> ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE;
            });
            Destination destination = destination(session, spec.kind(), spec.destination());
            // createConsumer returns once the broker answered the ConsumerInfo: the subscription is in place.
            return QpidJmsConsumer.start(connection, session.createConsumer(destination), spec, listener, errors);
        } catch (JMSException | RuntimeException e) {
            QpidJmsDriver.closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection c = connect(factory(""), "idle");
                return () -> QpidJmsDriver.closeQuietly(c);
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        }, connecting);
    }

    /** @param options URI query options, {@code &}-separated, or empty */
    private ActiveMQConnectionFactory factory(String options) {
        String uri = "tcp://" + endpoint.host() + ":" + endpoint.port() + (options.isEmpty() ? "" : "?" + options);
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(endpoint.username(), endpoint.password(), uri);
        // The load generator's core is the limit of the OpenWire scenarios, so the client is set up to spend as
        // little per message as it can, the same way for every broker (none of these changes what a broker does):
        // the message is not touched after the send: no defensive copy;
        f.setCopyMessageOnSend(false);
        // batched acks for AUTO_ACKNOWLEDGE;
        f.setOptimizeAcknowledge(true);
        // the listener runs on the transport's reader thread, without a hop through the session's executor;
        f.setAlwaysSessionAsync(false);
        // one dispatch channel in arrival order: every message has the default priority anyway;
        f.setMessagePrioritySupported(false);
        // the load generator counts duplicates itself, so the client's audit would only hide them;
        f.setCheckForDuplicates(false);
        // no JMSTimestamp (the stamp carries the send time) and no advisory consumer per connection.
        f.setDisableTimeStampsByDefault(true);
        f.setWatchTopicAdvisories(false);
        return f;
    }

    private Connection connect(ActiveMQConnectionFactory factory, String role) throws JMSException {
        Connection c = factory.createConnection();
        c.setExceptionListener(e -> errors.report(role + ": " + e));
        c.start();
        return c;
    }

    private static Destination destination(Session session, DestinationKind kind, String name) throws JMSException {
        return kind == DestinationKind.QUEUE ? session.createQueue(name) : session.createTopic(name);
    }

    @Override
    public void close() {
        connecting.shutdownNow();
    }
}
