package io.ferrymq.mqtt;

import io.ferrymq.core.api.Timers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What MQTT calls the session: a client's subscriptions and the QoS 1/2 state that must outlive a
 * connection. One connection at a time owns it (its event loop touches it); the hub hands it over on
 * reconnect and takeover. Persistent sessions are written to the broker's state store on every change
 * of what must survive a restart.
 */
final class ClientSession {

    private static final int FORMAT = 1;

    final String vhost;
    final String clientId;
    /** Seconds the session outlives its connection; 0 ends it with the connection. */
    long expirySeconds;
    /** Read by the hub's statistics and shared-queue checks from other threads, hence concurrent. */
    final Map<String, SubscriptionEntry> subscriptions = new ConcurrentHashMap<>();
    /** QoS 2 publishes from the client answered with PUBREC, awaiting its PUBREL: never routed twice. */
    final Set<Integer> inboundAwaitingRelease = new LinkedHashSet<>();
    /**
     * QoS 2 publishes from the client being routed: stored with their message (see InboundFlow), so they are
     * stored as awaiting release too, and after a restart a resend is recognised rather than routed again.
     */
    final Set<Integer> inboundRouting = new LinkedHashSet<>();
    /** QoS 2 deliveries the client acknowledged with PUBREC: PUBREL is (re)sent until PUBCOMP. */
    final Set<Integer> outboundAwaitingComplete = new LinkedHashSet<>();
    /**
     * Packet ids of QoS 1/2 messages sent but not acknowledged when the last connection ended, by
     * message id: a resend reuses the id with the DUP flag, as MQTT requires for exactly-once.
     */
    final Map<Long, Integer> unacknowledged = new LinkedHashMap<>();

    MqttConnection connection;
    Timers.Timer expiryTimer = Timers.Timer.NONE;

    ClientSession(String vhost, String clientId, long expirySeconds) {
        this.vhost = vhost;
        this.clientId = clientId;
        this.expirySeconds = expirySeconds;
    }

    boolean persistent() {
        return expirySeconds > 0;
    }

    /** The key of this session in the registry and the state store. */
    String key() {
        return key(vhost, clientId);
    }

    static String key(String vhost, String clientId) {
        return vhost + "\n" + clientId;
    }

    /** The queue holding the session's messages; long client ids are shortened so names stay legal. */
    String queueName() {
        String base = "mqtt-subscription-" + clientId;
        if (base.length() <= 200) {
            return base;
        }
        return "mqtt-subscription-" + clientId.substring(0, 120) + "-" + Integer.toHexString(clientId.hashCode());
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(vhost);
            writeString(out, clientId);
            out.writeLong(expirySeconds);
            out.writeInt(subscriptions.size());
            for (SubscriptionEntry s : subscriptions.values()) {
                writeString(out, s.filter());
                out.writeBoolean(s.shareGroup() != null);
                if (s.shareGroup() != null) {
                    writeString(out, s.shareGroup());
                }
                out.writeByte(s.qos());
                out.writeBoolean(s.noLocal());
                out.writeBoolean(s.retainAsPublished());
                out.writeByte(s.retainHandling());
                out.writeInt(s.subscriptionId());
            }
            Set<Integer> inbound = new LinkedHashSet<>(inboundAwaitingRelease);
            inbound.addAll(inboundRouting);
            writeIds(out, inbound);
            writeIds(out, outboundAwaitingComplete);
            out.writeInt(unacknowledged.size());
            for (Map.Entry<Long, Integer> e : unacknowledged.entrySet()) {
                out.writeLong(e.getKey());
                out.writeShort(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ClientSession decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IOException("unknown MQTT session format " + format);
            }
            ClientSession s = new ClientSession(in.readUTF(), readString(in), in.readLong());
            int subs = in.readInt();
            for (int i = 0; i < subs; i++) {
                String filter = readString(in);
                String group = in.readBoolean() ? readString(in) : null;
                SubscriptionEntry e = new SubscriptionEntry(filter, group, in.readByte(), in.readBoolean(),
                        in.readBoolean(), in.readByte(), in.readInt());
                s.subscriptions.put(e.name(), e);
            }
            readIds(in, s.inboundAwaitingRelease);
            readIds(in, s.outboundAwaitingComplete);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.unacknowledged.put(in.readLong(), in.readUnsignedShort());
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt MQTT session state", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeIds(DataOutputStream out, Set<Integer> ids) throws IOException {
        out.writeInt(ids.size());
        for (int id : ids) {
            out.writeShort(id);
        }
    }

    private static void readIds(DataInputStream in, Set<Integer> into) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            into.add(in.readUnsignedShort());
        }
    }
}
