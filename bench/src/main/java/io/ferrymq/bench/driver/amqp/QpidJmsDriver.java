package io.ferrymq.bench.driver.amqp;

import io.ferrymq.bench.driver.AckMode;
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
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * AMQP 1.0 through Qpid JMS (the JMS 2 client of the Apache Qpid project), which every AMQP 1.0 broker we compare
 * with serves: ActiveMQ Artemis, RabbitMQ's AMQP 1.0 plugin and FerryMQ.
 *
 * <p>How the load generator's terms map: a persistent message is sent with delivery mode PERSISTENT (durable
 * header), a non-persistent one NON_PERSISTENT; both are sent unsettled and confirmed by the broker's disposition
 * through a JMS 2 {@code CompletionListener} (so the confirm window bounds what is in flight, as STOMP receipts
 * do). Ack mode {@code auto} is a pre-settled consumer (the broker settles on send: at most once, as STOMP's
 * {@code auto}); {@code client} is CLIENT_ACKNOWLEDGE (one {@code acknowledge()} settles everything the session
 * received); {@code client-individual} is Qpid JMS' INDIVIDUAL_ACKNOWLEDGE. A queue is a JMS queue (the
 * {@code queue} capability), a topic a JMS topic; their addresses carry the endpoint's prefixes, whose defaults
 * ({@code /queue/}, {@code /topic/}) are RabbitMQ's address forms, which FerryMQ reads the same way and Artemis
 * takes as plain address names.
 */
public final class QpidJmsDriver implements Driver {

    /** Event loop threads shared by idle connections (Qpid JMS otherwise gives each connection its own). */
    private static final int IDLE_EVENT_LOOP_THREADS = 2;
    /** Qpid JMS' session mode in which {@code acknowledge()} settles only the message it is called on. */
    private static final int INDIVIDUAL_ACKNOWLEDGE = 101;

    private final Endpoint endpoint;
    private final javax.net.ssl.SSLContext sslContext;
    private final DriverErrors errors;
    /** Runs the blocking connects of idle connections, so that many handshakes can be under way at once. */
    private final ExecutorService connecting = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "qpid-jms-connect");
        t.setDaemon(true);
        return t;
    });

    public QpidJmsDriver(Endpoint endpoint, DriverErrors errors) {
        this.endpoint = endpoint;
        this.sslContext = endpoint.tls() == null ? null : endpoint.tls().sslContext();
        this.errors = errors;
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) throws Exception {
        Connection connection = connect(factory(""), "producer " + spec.id());
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Destination destination = destination(session, spec.kind(), spec.destination());
            return new QpidJmsProducer(connection, session, session.createProducer(destination), spec.id());
        } catch (JMSException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception {
        String options = "";
        if (spec.prefetch() > 0) {
            options += "jms.prefetchPolicy.all=" + spec.prefetch();
        }
        if (spec.ackMode() == AckMode.AUTO) {
            options += (options.isEmpty() ? "" : "&") + "jms.presettlePolicy.presettleConsumers=true";
        }
        Connection connection = connect(factory(options), "consumer " + spec.id());
        try {
            Session session = connection.createSession(false, switch (spec.ackMode()) {
                case AUTO -> Session.AUTO_ACKNOWLEDGE;
                case CLIENT -> Session.CLIENT_ACKNOWLEDGE;
                case CLIENT_INDIVIDUAL -> INDIVIDUAL_ACKNOWLEDGE;
            });
            Destination destination = destination(session, spec.kind(), spec.destination());
            // createConsumer returns once the broker attached the link: the subscription is in place.
            return QpidJmsConsumer.start(connection, session.createConsumer(destination), spec, listener, errors);
        } catch (JMSException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection c = connect(factory("transport.sharedEventLoopThreads=" + IDLE_EVENT_LOOP_THREADS), "idle");
                return () -> closeQuietly(c);
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        }, connecting);
    }

    /** @param options URI query options, {@code &}-separated, or empty */
    private JmsConnectionFactory factory(String options) {
        if (endpoint.virtualHost() != null) {
            options += (options.isEmpty() ? "" : "&") + "amqp.vhost=" + endpoint.virtualHost();
        }
        String scheme = endpoint.tls() == null ? "amqp://" : "amqps://";
        String uri = scheme + endpoint.host() + ":" + endpoint.port() + (options.isEmpty() ? "" : "?" + options);
        JmsConnectionFactory factory = new JmsConnectionFactory(endpoint.username(), endpoint.password(), uri);
        if (sslContext != null) {
            factory.setSslContext(sslContext);
        }
        return factory;
    }

    /** Opens the connection (Qpid JMS connects on start), reporting a later loss of it as a run error. */
    private Connection connect(JmsConnectionFactory factory, String role) throws JMSException {
        Connection c = factory.createConnection();
        c.setExceptionListener(e -> errors.report(role + ": " + e));
        c.start();
        return c;
    }

    private Destination destination(Session session, DestinationKind kind, String name) throws JMSException {
        String address = endpoint.destination(kind, name);
        return kind == DestinationKind.QUEUE ? session.createQueue(address) : session.createTopic(address);
    }

    public static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (JMSException e) {
            // closing a connection the broker already dropped: nothing left to release
        }
    }

    /** Each link owns its connection; only the connecting threads are shared. */
    @Override
    public void close() {
        connecting.shutdownNow();
    }
}
