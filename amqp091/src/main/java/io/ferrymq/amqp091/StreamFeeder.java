package io.ferrymq.amqp091;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.state.MessageFormat;
import io.ferrymq.core.stream.AppendRequest;
import io.ferrymq.core.stream.ShardAdmission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Moves what a stream queue's core queue receives into its stream, in order: each message is appended (its
 * properties and body, as {@link MessageFormat} keeps them) and taken from the queue once the append is on disk.
 * It is the queue's one (exclusive) consumer, on a session of its own with its own serial executor.
 */
final class StreamFeeder implements DeliverySink {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFeeder.class);
    private static final int WINDOW = 128;

    private final Broker broker;
    private final String name;
    private final Executor executor;
    private final Runnable gone;
    private volatile Session session;
    private volatile Subscription subscription;

    private StreamFeeder(Broker broker, String name, Runnable gone) {
        this.broker = broker;
        this.name = name;
        this.executor = broker.newSerialExecutor();
        this.gone = gone;
    }

    static StreamFeeder start(Broker broker, String vhost, String name, BrokerPrincipal who, Runnable gone) {
        StreamFeeder f = new StreamFeeder(broker, name, gone);
        f.executor.execute(() -> {
            try {
                f.session = broker.openAuthenticated(vhost, who, new ClientInfo(broker.newConnectionId(),
                        "amqp091-stream", null, "internal", null), f);
                f.session.consume(Source.queue(name), ConsumeOptions.credit(WINDOW).withExclusive(true))
                        .whenComplete((s, t) -> {
                            f.subscription = s;
                            if (t != null) {
                                LOG.warn("Stream queue '{}': cannot take its queue's messages: {}", name,
                                        BrokerException.from(t).getMessage());
                                f.close();
                            }
                        });
            } catch (BrokerException e) {
                LOG.warn("Stream queue '{}': cannot open the session that feeds it: {}", name, e.getMessage());
                gone.run();
            }
        });
        return f;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public void deliver(Delivery d) {
        Session s = session;
        byte[] record = MessageFormat.encode(d.message());
        broker.streams().append(s, name, List.of(new AppendRequest("", null, record)), ShardAdmission.ALL, executor)
                .whenComplete((r, t) -> {
                    if (t != null) {
                        LOG.warn("Stream queue '{}': could not append message {}: {}", name, d.message().id(),
                                BrokerException.from(t).getMessage());
                        s.settle(d, Outcome.RELEASE, null);
                        return;
                    }
                    s.settle(d, Outcome.ACCEPT, null);
                    subscription.credit(1);
                });
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        close();
    }

    void close() {
        Session s = session;
        if (s != null) {
            s.close();
        }
        gone.run();
    }
}
