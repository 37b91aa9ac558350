package io.ferrymq.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a client and the broker that decodes what passes in both directions (so a test can
 * see what a client library hides: topic aliases, subscription identifiers, how many publishes were in
 * flight) and can cut the connections as a network failure would, without either side saying goodbye.
 */
final class MqttWireTap implements AutoCloseable {

    /** Where Netty's MQTT decoder keeps the protocol version it took from CONNECT. */
    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** One decoded packet: what the tests look at. */
    record Packet(MqttMessageType type, int qos, boolean dup, String topic, int packetId, Integer topicAlias,
                  List<Integer> subscriptionIds) {
    }

    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final Queue<Packet> fromClient = new ConcurrentLinkedQueue<>();
    final Queue<Packet> fromBroker = new ConcurrentLinkedQueue<>();
    /** QoS 1 and 2 publishes sent by the broker and not yet answered by PUBACK or PUBREC. */
    private final AtomicInteger brokerInFlight = new AtomicInteger();
    private final AtomicInteger maxBrokerInFlight = new AtomicInteger();
    private volatile boolean closed;
    /** While set, what the client sends is read (and recorded) but never reaches the broker. */
    volatile boolean holdFromClient;
    /** While set, what the broker sends is read (and recorded) but never reaches the client. */
    volatile boolean holdFromBroker;

    MqttWireTap(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "mqtt-wire-tap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The largest number of QoS 1/2 publishes the broker had sent without an answer at any one time. */
    int maxBrokerInFlight() {
        return maxBrokerInFlight.get();
    }

    List<Packet> publishesFromBroker() {
        return fromBroker.stream().filter(p -> p.type() == MqttMessageType.PUBLISH).toList();
    }

    List<Packet> publishesFromClient() {
        return fromClient.stream().filter(p -> p.type() == MqttMessageType.PUBLISH).toList();
    }

    /** Drops every relayed connection at once, like a network failure: no DISCONNECT from anyone. */
    void sever() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // a reset, not an orderly FIN
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                EmbeddedChannel upstream = new EmbeddedChannel(new MqttDecoder(1 << 24));
                EmbeddedChannel downstream = new EmbeddedChannel(new MqttDecoder(1 << 24));
                start(() -> pump(client, broker, upstream, null, fromClient, true));
                start(() -> pump(broker, client, downstream, upstream, fromBroker, false));
            } catch (IOException e) {
                if (!closed) {
                    sever();
                }
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "mqtt-wire-tap-pump");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Copies bytes from one socket to the other, decoding a copy of them first. Bytes are decoded before
     * they are passed on, so the client's CONNECT (and with it the protocol version) is known before the
     * broker can answer it.
     */
    private void pump(Socket from, Socket to, EmbeddedChannel decoder, EmbeddedChannel versionFrom,
                      Queue<Packet> into, boolean clientSide) {
        byte[] buf = new byte[16 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (versionFrom != null && decoder.attr(VERSION).get() == null) {
                    decoder.attr(VERSION).set(versionFrom.attr(VERSION).get());
                }
                decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                Object m;
                while ((m = decoder.readInbound()) != null) {
                    try {
                        if (m instanceof MqttMessage mm && mm.decoderResult().isSuccess()) {
                            Packet p = summarise(mm);
                            into.add(p);
                            count(p, clientSide);
                        }
                    } finally {
                        ReferenceCountUtil.release(m);
                    }
                }
                if (!(clientSide ? holdFromClient : holdFromBroker)) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away (or the tap cut it): closing both ends passes that on
        } finally {
            sockets.remove(from);
            sockets.remove(to);
            decoder.finishAndReleaseAll();
        }
    }

    private void count(Packet p, boolean clientSide) {
        if (!clientSide && p.type() == MqttMessageType.PUBLISH && p.qos() > 0 && !p.dup()) {
            int now = brokerInFlight.incrementAndGet();
            maxBrokerInFlight.accumulateAndGet(now, Math::max);
        } else if (clientSide && (p.type() == MqttMessageType.PUBACK || p.type() == MqttMessageType.PUBREC)) {
            brokerInFlight.decrementAndGet();
        }
    }

    private static Packet summarise(MqttMessage m) {
        MqttMessageType type = m.fixedHeader().messageType();
        int qos = m.fixedHeader().qosLevel().value();
        boolean dup = m.fixedHeader().isDup();
        Object vh = m.variableHeader();
        if (vh instanceof MqttPublishVariableHeader p) {
            MqttProperties props = p.properties();
            MqttProperties.MqttProperty<?> alias = props.getProperty(MqttProperties.TOPIC_ALIAS);
            return new Packet(type, qos, dup, p.topicName(), p.packetId(),
                    alias == null ? null : (Integer) alias.value(), subscriptionIds(props));
        }
        List<Integer> ids = vh instanceof MqttMessageIdAndPropertiesVariableHeader h
                ? subscriptionIds(h.properties()) : List.of();
        int id = vh instanceof MqttMessageIdVariableHeader h ? h.messageId() : 0;
        return new Packet(type, qos, dup, null, id, null, ids);
    }

    private static List<Integer> subscriptionIds(MqttProperties props) {
        List<Integer> ids = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> id : props.getProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER)) {
            ids.add((Integer) id.value());
        }
        return List.copyOf(ids);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sever();
    }
}
