package io.ferrymq.tests.matrix;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.amqp091.Amqp091Protocol;
import io.ferrymq.amqp091.Amqp091Settings;
import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.openwire.OpenwireProtocol;
import io.ferrymq.openwire.OpenwireSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.transport.testing.EmbeddedBroker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A broker with every protocol of the matrix: STOMP, MQTT, AMQP 1.0 and 0-9-1 and OpenWire on one port ("mixed"), SQS and SNS
 * on another ("http"). Users as in {@link EmbeddedBroker}. Before a cell, {@link #prepare} creates its queue
 * (through SQS, so SQS knows it) and binds it to {@code amq.topic} with the cell's topic key. Until protocol
 * modules are found through {@code ServiceLoader}, a new adapter's module is also listed here.
 */
public final class MatrixBroker implements AutoCloseable {

    public static final String USER = "admin";
    public static final String PASSWORD = "secret";

    private final EmbeddedBroker broker;
    private final AwsApiProtocol aws;
    private final SqsClient sqs;
    private final Session admin;

    private MatrixBroker(Path dataDir) {
        AwsApiProtocol[] made = new AwsApiProtocol[1];
        EmbeddedBroker.Builder b = EmbeddedBroker.builder()
                .protocol(x -> made[0] = new AwsApiProtocol(x, AwsApiSettings.defaults()))
                .protocol(x -> new StompProtocol(x, StompSettings.defaults()))
                .protocol(x -> new MqttProtocol(x, MqttSettings.defaults()))
                .protocol(x -> new AmqpProtocol(x, AmqpSettings.defaults()))
                .protocol(x -> new Amqp091Protocol(x, Amqp091Settings.defaults()))
                .protocol(x -> new OpenwireProtocol(x, OpenwireSettings.defaults()))
                .tcp("http", AwsApiProtocol.NAME)
                .tcp("mixed", StompProtocol.NAME, MqttProtocol.NAME, AmqpProtocol.NAME, Amqp091Protocol.NAME,
                        OpenwireProtocol.NAME);
        if (dataDir != null) {
            b.durable(dataDir);
        }
        broker = b.start();
        aws = made[0];
        sqs = sqsClient(awsEndpoint());
        admin = broker.broker().open("/", new ClientInfo(broker.broker().newConnectionId(), "matrix", null, "matrix",
                null), USER, PASSWORD, new NoDeliveries()).join();
    }

    public static MatrixBroker inMemory() {
        return new MatrixBroker(null);
    }

    /** A broker on a journal in {@code dir}; a second one on the same directory recovers what the first kept. */
    public static MatrixBroker durable(Path dir) {
        return new MatrixBroker(dir);
    }

    /** The port serving STOMP, MQTT, AMQP 1.0 and 0-9-1, and OpenWire. */
    public int mixedPort() {
        return broker.port("mixed");
    }

    public URI awsEndpoint() {
        return URI.create("http://127.0.0.1:" + broker.port("http"));
    }

    /** An SQS client of this broker's endpoint, the caller closes it. */
    public static SqsClient sqsClient(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).build();
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy"));
    }

    /** Creates the destination's queue and binds it to amq.topic with its topic key. */
    public void prepare(Destination d) throws Exception {
        sqs.createQueue(b -> b.queueName(d.queue()));
        admin.admin().bind(BindingDeclaration.queue("amq.topic", d.queue(), d.topicKey())).get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        admin.close();
        sqs.close();
        aws.close();
        broker.close();
    }

    private static final class NoDeliveries implements DeliverySink {
        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public void deliver(Delivery delivery) {
            throw new IllegalStateException("the matrix's admin session consumes nothing");
        }
    }
}
