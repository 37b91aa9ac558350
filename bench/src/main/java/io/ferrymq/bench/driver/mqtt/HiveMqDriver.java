package io.ferrymq.bench.driver.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.IdleLink;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.ProducerSpec;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * MQTT 3.1.1 through the HiveMQ MQTT client, whose connections share its one set of Netty event loops (so
 * thousands of idle connections cost no threads). Every MQTT broker speaks 3.1.1, so the same load runs
 * against Mosquitto, RabbitMQ, Artemis and HiveMQ.
 *
 * <p>How the load generator's terms map: a persistent message is published at QoS 1 (confirmed by the
 * broker's PUBACK); a non-persistent one at QoS 0 (confirmed once the client wrote it, which still bounds
 * what the client buffers). Ack mode {@code auto} subscribes at QoS 0; the others at QoS 1, acknowledged by
 * the client as each message is handled. Names become topics with {@code /} for {@code .}; a queue is a
 * shared subscription {@code $share/bench/TOPIC}, the MQTT 5 way (which most brokers also accept from
 * 3.1.1 clients) to have each message go to one of several subscribers.
 */
public final class HiveMqDriver implements Driver {

    private static final long CONNECT_TIMEOUT_SECONDS = 30;

    private final Endpoint endpoint;
    private final DriverErrors errors;
    private final javax.net.ssl.TrustManagerFactory trust;
    private final String runTag = UUID.randomUUID().toString().substring(0, 8);

    public HiveMqDriver(Endpoint endpoint, DriverErrors errors) {
        this.endpoint = endpoint;
        this.errors = errors;
        this.trust = endpoint.tls() == null ? null : endpoint.tls().trustManagerFactory();
    }

    static String topic(String name) {
        return name.replace('.', '/');
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) throws Exception {
        Mqtt3AsyncClient client = connect("p" + spec.id());
        String topic = topic(spec.destination());
        return new ProducerLink() {
            @Override
            public void send(OutgoingMessage message, Confirmation confirmation) {
                MqttQos qos = message.persistent() ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE;
                client.publishWith().topic(topic).qos(qos).payload(StampCodec.stamped(message.body(), message.stamp()))
                        .send().whenComplete((ack, failure) -> {
                            if (confirmation == null) {
                                if (failure != null) {
                                    errors.report("producer " + spec.id() + ": " + failure);
                                }
                            } else if (failure == null) {
                                confirmation.confirmed();
                            } else {
                                confirmation.failed(String.valueOf(failure));
                            }
                        });
            }

            @Override
            public void close() {
                disconnect(client);
            }
        };
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception {
        Mqtt3AsyncClient client = connect("c" + spec.id());
        String topic = topic(spec.destination());
        String filter = spec.kind() == DestinationKind.QUEUE ? "$share/bench/" + topic : topic;
        MqttQos qos = spec.ackMode() == AckMode.AUTO ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
        try {
            client.subscribeWith().topicFilter(filter).qos(qos)
                    .callback(p -> listener.onMessage(p.getPayload().map(StampCodec::read).orElse(null),
                            p.getPayloadAsBytes().length))
                    .send().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getReturnCodes().stream().filter(c -> c.isError()).findFirst().ifPresent(c -> {
                        throw new IllegalStateException("subscription to " + filter + " refused: " + c);
                    });
        } catch (Exception e) {
            disconnect(client);
            throw e;
        }
        return () -> disconnect(client);
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        Mqtt3AsyncClient client = client("i");
        return client.connectWith().cleanSession(true).keepAlive(0)
                .simpleAuth().username(endpoint.username()).password(endpoint.password().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().thenApply(ack -> () -> disconnect(client));
    }

    private Mqtt3AsyncClient connect(String role) throws Exception {
        Mqtt3AsyncClient client = client(role);
        client.connectWith().cleanSession(true)
                .simpleAuth().username(endpoint.username()).password(endpoint.password().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    private Mqtt3AsyncClient client(String role) {
        var builder = Mqtt3Client.builder().identifier("bench-" + runTag + "-" + role + "-" + UUID.randomUUID().toString()
                        .substring(0, 8))
                .serverHost(endpoint.host()).serverPort(endpoint.port());
        if (trust != null) {
            builder = builder.sslConfig().trustManagerFactory(trust).applySslConfig();
        }
        return builder
                .addDisconnectedListener(ctx -> {
                    if (ctx.getSource() != com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource.USER) {
                        errors.report("MQTT connection lost: " + ctx.getCause());
                    }
                })
                .buildAsync();
    }

    private static void disconnect(Mqtt3AsyncClient client) {
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }

    /** The client's shared event loops stop by themselves once its last connection has closed. */
    @Override
    public void close() {
    }
}
