package io.ferrymq.bench.driver.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.Stamp;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Hands each delivery's stamp to the listener and acknowledges per the ack mode. The client calls the deliver
 * callbacks sequentially per channel, on its consumer dispatch thread.
 */
final class RabbitClientConsumer implements ConsumerLink {

    private static final long CANCEL_TIMEOUT_SECONDS = 10;

    private final Connection connection;
    private final Channel channel;
    private final ConsumerSpec spec;
    private final MessageListener listener;
    private final DriverErrors errors;
    private String consumerTag;
    /** The newest delivery tag a cumulative ack mode has not acknowledged yet, or 0. */
    private long unacknowledged;
    private int sinceAck;
    /** Counted down by handleCancelOk, which the client dispatches after every delivery of the consumer. */
    private final CountDownLatch cancelled = new CountDownLatch(1);

    private RabbitClientConsumer(Connection connection, Channel channel, ConsumerSpec spec, MessageListener listener,
                                 DriverErrors errors) {
        this.connection = connection;
        this.channel = channel;
        this.spec = spec;
        this.listener = listener;
        this.errors = errors;
    }

    static RabbitClientConsumer start(Connection connection, Channel channel, String queue, ConsumerSpec spec,
                                      MessageListener listener, DriverErrors errors) throws IOException {
        RabbitClientConsumer c = new RabbitClientConsumer(connection, channel, spec, listener, errors);
        c.consumerTag = channel.basicConsume(queue, spec.ackMode() == AckMode.AUTO, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                c.onDelivery(envelope.getDeliveryTag(), properties, body);
            }

            @Override
            public void handleCancelOk(String tag) {
                c.cancelled.countDown();
            }

            @Override
            public void handleCancel(String tag) {
                errors.report("consumer " + spec.id() + ": the broker cancelled the subscription");
                c.cancelled.countDown();
            }
        });
        return c;
    }

    private void onDelivery(long tag, AMQP.BasicProperties properties, byte[] body) {
        listener.onMessage(stamp(properties.getHeaders()), body.length);
        try {
            if (spec.ackMode() == AckMode.CLIENT_INDIVIDUAL) {
                channel.basicAck(tag, false);
            } else if (spec.ackMode() == AckMode.CLIENT) {
                synchronized (this) {
                    if (++sinceAck < spec.ackEvery()) {
                        unacknowledged = tag;
                        return;
                    }
                    sinceAck = 0;
                    unacknowledged = 0;
                }
                channel.basicAck(tag, true);
            }
        } catch (IOException | RuntimeException e) {
            errors.report("consumer " + spec.id() + ": " + e);
        }
    }

    private static Stamp stamp(Map<String, Object> headers) {
        if (headers == null || !(headers.get(Stamp.PRODUCER) instanceof Number producer)
                || !(headers.get(Stamp.SEQUENCE) instanceof Number seq) || !(headers.get(Stamp.SENT) instanceof Number sent)) {
            return null;
        }
        return new Stamp(producer.intValue(), seq.longValue(), sent.longValue());
    }

    /** Stops the subscription, acknowledges what a cumulative ack mode still holds, then closes the connection. */
    @Override
    public void close() {
        try {
            channel.basicCancel(consumerTag);
            if (!cancelled.await(CANCEL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                errors.report("consumer " + spec.id() + ": no cancel-ok within " + CANCEL_TIMEOUT_SECONDS + " s");
            }
            long last;
            synchronized (this) {
                last = unacknowledged;
                unacknowledged = 0;
            }
            if (last != 0) {
                channel.basicAck(last, true);
            }
        } catch (IOException | RuntimeException e) {
            errors.report("consumer " + spec.id() + ": final acknowledge failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RabbitClientDriver.closeQuietly(connection);
        }
    }
}
