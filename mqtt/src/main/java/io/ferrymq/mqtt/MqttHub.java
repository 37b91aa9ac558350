package io.ferrymq.mqtt;

import io.ferrymq.core.api.Admin;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Timers;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.transport.BrokerVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all MQTT connections of a broker share: the session registry (with takeover and expiry),
 * retained messages, wills waiting for their delay, $SYS statistics. Registry changes are synchronised
 * on the hub; they happen on connect and disconnect, never per message.
 */
final class MqttHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttHub.class);

    final Broker broker;
    final MqttSettings settings;
    final RetainedMessages retained;
    private final StateStore sessionStore;
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Timers.Timer> pendingWills = new ConcurrentHashMap<>();
    private final long startedAt = System.currentTimeMillis();
    private volatile Timers.Timer sysTimer = Timers.Timer.NONE;
    private volatile boolean closed;

    final AtomicInteger connected = new AtomicInteger();
    final AtomicLong received = new AtomicLong();
    final AtomicLong sent = new AtomicLong();

    MqttHub(Broker broker, MqttSettings settings) {
        this.broker = broker;
        this.settings = settings;
        this.retained = new RetainedMessages(broker.stateStore("mqtt.retained"));
        this.sessionStore = broker.stateStore("mqtt.session");
        for (String vhost : broker.vhostNames()) {
            Admin admin = broker.systemSession(vhost).admin();
            if (!admin.exchangeExists(settings.exchange())) {
                admin.declareExchange(new ExchangeDeclaration(settings.exchange(), ExchangeType.TOPIC, true, false,
                        false, Map.of(), false));
            }
        }
        for (Map.Entry<String, byte[]> e : sessionStore.all().entrySet()) {
            ClientSession s = ClientSession.decode(e.getValue());
            sessions.put(s.key(), s);
            // The time a session spent offline before the restart is not known: its expiry starts again now.
            scheduleExpiry(s);
        }
        if (!sessions.isEmpty()) {
            LOG.info("MQTT: {} persistent session(s) recovered", sessions.size());
        }
        scheduleSys();
    }

    MqttSettings settings() {
        return settings;
    }

    Timers timers() {
        return broker.timers();
    }

    // ------------------------------------------------------------------ sessions

    /** The outcome of claiming a client id. */
    record Claim(ClientSession session, boolean present, MqttConnection previous) { }

    /**
     * Gives {@code connection} the session of its client id: a new one, or the existing one unless
     * {@code cleanStart}. The caller takes over from {@code previous} (if any) before using the session.
     */
    synchronized Claim claim(String vhost, String clientId, MqttConnection connection, boolean cleanStart,
                             long expirySeconds) {
        String key = ClientSession.key(vhost, clientId);
        ClientSession existing = sessions.get(key);
        MqttConnection previous = existing == null ? null : existing.connection;
        Timers.Timer will = pendingWills.remove(key);
        if (will != null) {
            // The client came back within its will delay: the will is not sent (MQTT 5, 3.1.3.2.2).
            will.cancel();
        }
        if (existing != null) {
            existing.expiryTimer.cancel();
        }
        ClientSession session;
        boolean present;
        // A session without expiry ends with its connection, so a takeover cannot resume it.
        if (existing == null || cleanStart || !existing.persistent()) {
            if (existing != null) {
                discard(existing);
            }
            session = new ClientSession(vhost, clientId, expirySeconds);
            present = false;
        } else {
            session = existing;
            session.expirySeconds = expirySeconds;
            present = true;
        }
        session.connection = connection;
        sessions.put(key, session);
        persist(session);
        return new Claim(session, present, previous);
    }

    /** The connection of a session ended: the session stays (persistent) or goes. */
    synchronized void released(ClientSession session, MqttConnection connection) {
        if (session.connection != connection) {
            return; // taken over: the new connection owns it now
        }
        session.connection = null;
        if (!session.persistent()) {
            end(session);
            return;
        }
        persist(session);
        scheduleExpiry(session);
    }

    private void scheduleExpiry(ClientSession s) {
        if (!s.persistent() || s.expirySeconds >= MqttSettings.EXPIRY_NEVER) {
            return;
        }
        s.expiryTimer = timers().schedule(() -> {
            synchronized (this) {
                if (s.connection == null && sessions.get(s.key()) == s) {
                    LOG.debug("MQTT session of '{}' expired", s.clientId);
                    end(s);
                }
            }
        }, s.expirySeconds * 1000);
    }

    /** Ends a session for good: its state, its queue and the shared subscriptions only it held. */
    private void end(ClientSession s) {
        sessions.remove(s.key(), s);
        sessionStore.remove(s.key());
        discard(s);
    }

    private void discard(ClientSession s) {
        Session system = systemSession(s.vhost);
        if (system == null) {
            return;
        }
        deleteManagedQueue(system, s.queueName());
        for (SubscriptionEntry e : s.subscriptions.values()) {
            if (e.shareGroup() != null) {
                dropSharedQueueIfUnused(s.vhost, e, s);
            }
        }
    }

    void persist(ClientSession s) {
        if (s.persistent()) {
            sessionStore.put(s.key(), s.encode());
        }
    }

    /**
     * The record of a persistent session's state as it is now, to be stored in one batch with a message
     * ({@code Session.sendStoredWith}); none for a session that ends with its connection.
     */
    List<StateStore.Staged> stateStoredWith(ClientSession s) {
        return s.persistent() ? List.of(sessionStore.stage(s.key(), s.encode())) : List.of();
    }

    static String sharedQueueName(SubscriptionEntry e) {
        return "mqtt-shared-" + e.shareGroup() + "-" + e.pattern();
    }

    /** Deletes a shared subscription's queue once no session (but {@code leaving}) is a member. */
    synchronized void dropSharedQueueIfUnused(String vhost, SubscriptionEntry entry, ClientSession leaving) {
        for (ClientSession s : sessions.values()) {
            if (s != leaving && s.vhost.equals(vhost) && s.subscriptions.containsKey(entry.name())) {
                return;
            }
        }
        Session system = systemSession(vhost);
        if (system != null) {
            deleteManagedQueue(system, sharedQueueName(entry));
        }
    }

    /**
     * Deletes a queue the adapter kept for its clients. The queue of a session that ended with its connection
     * is exclusive to that connection and goes with it: the broker's session may not delete it (locked).
     */
    private static void deleteManagedQueue(Session system, String queue) {
        if (system.admin().queueExists(queue)) {
            system.admin().deleteManagedQueue(queue).exceptionally(t -> {
                LOG.debug("Queue {} not deleted: {}", queue, BrokerException.from(t).getMessage());
                return null;
            });
        }
    }

    /** The broker's own session in a vhost; null once the vhost is gone or the broker is stopping. */
    private Session systemSession(String vhost) {
        try {
            return broker.systemSession(vhost);
        } catch (BrokerException e) {
            LOG.debug("No broker session in vhost '{}': {}", vhost, e.getMessage());
            return null;
        }
    }

    /** Wills waiting for their delay to run out. */
    int pendingWillCount() {
        return pendingWills.size();
    }

    int sessionCount() {
        return sessions.size();
    }

    int subscriptionCount() {
        return sessions.values().stream().mapToInt(s -> s.subscriptions.size()).sum();
    }

    // ------------------------------------------------------------------ publishing on the broker's behalf

    /**
     * Publishes through the broker's own session (wills, $SYS, retained copies): the permission to send was
     * checked when the client gave it, or the broker itself is the sender. An empty exchange routes to the
     * queue named by {@code key}.
     */
    CompletableFuture<Void> publish(String vhost, Message m, String exchange, String key) {
        Session system = closed ? null : systemSession(vhost);
        if (system == null) {
            return CompletableFuture.completedFuture(null);
        }
        Route route = exchange.isEmpty() ? Route.queue(key) : Route.exchange(exchange, key);
        return system.send(route, m, null).<Void>thenApply(r -> null).whenComplete((v, t) -> {
            if (t != null) {
                LOG.debug("MQTT internal publish to {} '{}' refused: {}", exchange, key,
                        BrokerException.from(t).getMessage());
            }
        });
    }

    /** Publishes a will now, or after its delay unless the client reconnects first. */
    void publishWill(String vhost, String clientId, WillMessage will) {
        Runnable send = () -> {
            pendingWills.remove(ClientSession.key(vhost, clientId));
            Message m = will.message();
            long now = System.currentTimeMillis();
            if (m.expiration() > 0) {
                // The will's message expiry interval counts from its publication, not from CONNECT.
                m = m.toBuilder().expiration(now + m.expiration() - m.timestamp()).timestamp(now).build();
            }
            if (will.retain()) {
                retained.set(vhost, will.topic(), m);
            }
            publish(vhost, m, settings.exchange(), TopicMapping.toKey(will.topic()));
            received.incrementAndGet();
        };
        if (will.delaySeconds() <= 0) {
            send.run();
            return;
        }
        pendingWills.put(ClientSession.key(vhost, clientId), timers().schedule(send, will.delaySeconds() * 1000));
    }

    // ------------------------------------------------------------------ $SYS

    private void scheduleSys() {
        if (settings.sysIntervalSeconds() <= 0 || closed) {
            return;
        }
        sysTimer = timers().schedule(() -> {
            try {
                publishSys();
            } catch (RuntimeException e) {
                LOG.warn("Publishing $SYS topics failed", e);
            }
            scheduleSys();
        }, settings.sysIntervalSeconds() * 1000L);
    }

    /** Broker statistics as retained messages under $SYS/broker, as Mosquitto publishes them. */
    void publishSys() {
        Map<String, String> values = Map.of(
                "$SYS/broker/version", "FerryMQ " + version(),
                "$SYS/broker/uptime", ((System.currentTimeMillis() - startedAt) / 1000) + " seconds",
                "$SYS/broker/clients/connected", Integer.toString(connected.get()),
                "$SYS/broker/clients/total", Integer.toString(sessionCount()),
                "$SYS/broker/messages/received", Long.toString(received.get()),
                "$SYS/broker/messages/sent", Long.toString(sent.get()),
                "$SYS/broker/subscriptions/count", Integer.toString(subscriptionCount()),
                "$SYS/broker/retained messages/count", Integer.toString(retained.count()));
        for (String vhost : broker.vhostNames()) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                Message m = MessageMapping.fromPublish(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8), 0,
                        true, null, System.currentTimeMillis(), null);
                retained.set(vhost, e.getKey(), m);
                publish(vhost, m, settings.exchange(), TopicMapping.toKey(e.getKey()));
            }
        }
    }

    private static String version() {
        return BrokerVersion.text();
    }

    @Override
    public void close() {
        closed = true;
        sysTimer.cancel();
        pendingWills.values().forEach(Timers.Timer::cancel);
        sessions.values().forEach(s -> s.expiryTimer.cancel());
    }
}
