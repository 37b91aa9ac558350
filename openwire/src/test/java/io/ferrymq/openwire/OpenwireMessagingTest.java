package io.ferrymq.openwire;

import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQSession;
import org.apache.activemq.RedeliveryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sending and receiving with the ActiveMQ JMS client: every body type, headers, prefetch, pulls and acknowledgements. */
class OpenwireMessagingTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start(List.of(AddressPolicy.matching("#")
                .withDeadLetter(DeadLetterTarget.queue("ActiveMQ.DLQ"))), s -> s);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "persistent {0}")
    @ValueSource(booleans = {true, false})
    void everyBodyTypeAndHeaderArrivesIntact(boolean persistent) throws Exception {
        String name = "types." + persistent;
        ActiveMQConnectionFactory f = broker.factory();
        f.setTrustedPackages(List.of("java.util"));
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(name);
            Queue replyTo = s.createQueue(name + ".replies");
            MessageConsumer consumer = s.createConsumer(q);
            MessageProducer p = s.createProducer(q);
            p.setDeliveryMode(persistent ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);

            TextMessage text = s.createTextMessage("héllo wörld");
            text.setJMSCorrelationID("corr-1");
            text.setJMSReplyTo(replyTo);
            text.setJMSType("greeting");
            text.setStringProperty("s", "v");
            text.setIntProperty("i", 42);
            text.setLongProperty("l", 1L << 40);
            text.setBooleanProperty("b", true);
            text.setDoubleProperty("d", 1.5);
            text.setFloatProperty("f", 2.5f);
            text.setShortProperty("sh", (short) 7);
            text.setByteProperty("by", (byte) 3);
            text.setStringProperty("JMSXGroupID", "group-a");
            p.send(text, p.getDeliveryMode(), 7, 600_000);

            BytesMessage bytes = s.createBytesMessage();
            bytes.writeBytes(new byte[] {0, 1, 2, (byte) 255});
            p.send(bytes);

            MapMessage map = s.createMapMessage();
            map.setString("k", "v");
            map.setInt("n", 5);
            p.send(map);

            ObjectMessage object = s.createObjectMessage(new java.util.ArrayList<>(List.of("a", "b")));
            p.send(object);

            StreamMessage stream = s.createStreamMessage();
            stream.writeString("first");
            stream.writeInt(2);
            p.send(stream);

            p.send(s.createMessage());

            TextMessage gotText = (TextMessage) consumer.receive(10_000);
            assertThat(gotText.getText()).isEqualTo("héllo wörld");
            assertThat(gotText.getJMSCorrelationID()).isEqualTo("corr-1");
            assertThat(gotText.getJMSReplyTo()).isEqualTo(replyTo);
            assertThat(gotText.getJMSType()).isEqualTo("greeting");
            assertThat(gotText.getJMSPriority()).isEqualTo(7);
            assertThat(gotText.getJMSExpiration()).isGreaterThan(System.currentTimeMillis());
            assertThat(gotText.getJMSDeliveryMode()).isEqualTo(persistent ? DeliveryMode.PERSISTENT
                    : DeliveryMode.NON_PERSISTENT);
            assertThat(gotText.getJMSMessageID()).isEqualTo(text.getJMSMessageID());
            assertThat(gotText.getJMSDestination()).isEqualTo(q);
            assertThat(gotText.getJMSRedelivered()).isFalse();
            assertThat(gotText.getStringProperty("s")).isEqualTo("v");
            assertThat(gotText.getIntProperty("i")).isEqualTo(42);
            assertThat(gotText.getLongProperty("l")).isEqualTo(1L << 40);
            assertThat(gotText.getBooleanProperty("b")).isTrue();
            assertThat(gotText.getDoubleProperty("d")).isEqualTo(1.5);
            assertThat(gotText.getFloatProperty("f")).isEqualTo(2.5f);
            assertThat(gotText.getShortProperty("sh")).isEqualTo((short) 7);
            assertThat(gotText.getByteProperty("by")).isEqualTo((byte) 3);
            assertThat(gotText.getStringProperty("JMSXGroupID")).isEqualTo("group-a");

            BytesMessage gotBytes = (BytesMessage) consumer.receive(10_000);
            byte[] body = new byte[(int) gotBytes.getBodyLength()];
            gotBytes.readBytes(body);
            assertThat(body).containsExactly(0, 1, 2, 255);

            MapMessage gotMap = (MapMessage) consumer.receive(10_000);
            assertThat(gotMap.getString("k")).isEqualTo("v");
            assertThat(gotMap.getInt("n")).isEqualTo(5);

            ObjectMessage gotObject = (ObjectMessage) consumer.receive(10_000);
            assertThat(gotObject.getObject()).isEqualTo(List.of("a", "b"));

            StreamMessage gotStream = (StreamMessage) consumer.receive(10_000);
            assertThat(gotStream.readString()).isEqualTo("first");
            assertThat(gotStream.readInt()).isEqualTo(2);

            Message plain = consumer.receive(10_000);
            assertThat(plain).isNotNull().isNotInstanceOfAny(TextMessage.class, BytesMessage.class, MapMessage.class,
                    ObjectMessage.class, StreamMessage.class);
        }
    }

    @Test
    void compressedBodiesArriveDecompressed() throws Exception {
        ActiveMQConnectionFactory f = broker.factory("?jms.useCompression=true");
        f.setTrustAllPackages(true);
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("compressed");
            MessageProducer p = s.createProducer(q);
            String big = "compress me ".repeat(1000);
            p.send(s.createTextMessage(big));
            MapMessage map = s.createMapMessage();
            map.setString("big", big);
            p.send(map);
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo(big);
            assertThat(((MapMessage) consumer.receive(10_000)).getString("big")).isEqualTo(big);
        }
    }

    @Test
    void everyTopicSubscriberGetsEachMessage() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("prices.eur");
            MessageConsumer a = s.createConsumer(t);
            MessageConsumer b = s.createConsumer(t);
            s.createProducer(t).send(s.createTextMessage("1.08"));
            assertThat(((TextMessage) a.receive(10_000)).getText()).isEqualTo("1.08");
            TextMessage atB = (TextMessage) b.receive(10_000);
            assertThat(atB.getText()).isEqualTo("1.08");
            assertThat(atB.getJMSDestination()).isEqualTo(t);
        }
    }

    @Test
    void aConsumerTakesNoMoreThanItsPrefetch() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("prefetch.limit?consumer.prefetchSize=3");
            MessageProducer p = s.createProducer(s.createQueue("prefetch.limit"));
            for (int i = 0; i < 10; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            // Never receives: its three prefetched messages wait in its buffer.
            MessageConsumer hoarder = s.createConsumer(q);
            Session other = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker.vhost("/").queue("prefetch.limit")
                    .stats().inFlight() == 3);
            MessageConsumer taker = other.createConsumer(s.createQueue("prefetch.limit"));
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                TextMessage m = (TextMessage) taker.receive(10_000);
                assertThat(m).as("message %d of the seven left", i).isNotNull();
                taken.add(m.getText());
            }
            assertThat(taken).containsExactly("m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(taker.receive(300)).isNull();
            hoarder.close();
        }
    }

    @Test
    void aConsumerWithPrefetchZeroPullsEachMessage() throws Exception {
        ActiveMQConnectionFactory f = broker.factory("?jms.prefetchPolicy.all=0");
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("pull.zero");
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(consumer.receiveNoWait()).isNull();
            assertThat(consumer.receive(200)).isNull();
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("one"));
            p.send(s.createTextMessage("two"));
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("one");
            // Nothing was prefetched: the second message is still in the queue for another consumer.
            assertThat(broker.broker.vhost("/").queue("pull.zero").stats().ready()).isEqualTo(1);
            // receiveNoWait pulls too: what the queue has now, at once.
            assertThat(((TextMessage) consumer.receiveNoWait()).getText()).isEqualTo("two");
            assertThat(consumer.receiveNoWait()).isNull();
        }
    }

    @Test
    void unacknowledgedMessagesComeBackRedeliveredWithTheirCount() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("client.ack");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 3; i++) {
                assertThat(consumer.receive(10_000)).isNotNull();
            }
            consumer.close();
            MessageConsumer again = s.createConsumer(q);
            for (int i = 0; i < 3; i++) {
                Message m = again.receive(10_000);
                assertThat(m).isNotNull();
                assertThat(m.getJMSRedelivered()).isTrue();
                assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
                if (i == 2) {
                    m.acknowledge();
                }
            }
            again.close();
            assertThat(s.createConsumer(q).receive(300)).isNull();
        }
    }

    @Test
    void anIndividualAcknowledgementSettlesOnlyThatMessage() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE);
            Queue q = s.createQueue("individual.ack");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            MessageConsumer consumer = s.createConsumer(q);
            consumer.receive(10_000);
            consumer.receive(10_000).acknowledge();
            consumer.receive(10_000);
            consumer.close();
            MessageConsumer again = s.createConsumer(q);
            List<String> back = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TextMessage m = (TextMessage) again.receive(10_000);
                back.add(m.getText());
                m.acknowledge();
            }
            assertThat(back).containsExactly("m0", "m2");
            assertThat(again.receive(300)).isNull();
        }
    }

    @Test
    void aMessageTheClientGivesUpOnGoesToTheDeadLetterQueue() throws Exception {
        ActiveMQConnectionFactory f = broker.factory();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(1);
        policy.setInitialRedeliveryDelay(0);
        policy.setRedeliveryDelay(0);
        f.setRedeliveryPolicy(policy);
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = s.createQueue("poison.q");
            s.createProducer(q).send(s.createTextMessage("poison"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(consumer.receive(10_000)).isNotNull();
            s.rollback();
            Message second = consumer.receive(10_000);
            assertThat(second).isNotNull();
            assertThat(second.getJMSRedelivered()).isTrue();
            s.rollback();
            // Past the maximum redeliveries the client sends a poison acknowledgement.
            assertThat(consumer.receive(300)).isNull();
            consumer.close();
            MessageConsumer dlq = s.createConsumer(s.createQueue("ActiveMQ.DLQ"));
            TextMessage dead = (TextMessage) dlq.receive(10_000);
            assertThat(dead).isNotNull();
            assertThat(dead.getText()).isEqualTo("poison");
            s.commit();
        }
    }

    @Test
    void messagesArriveAtAnAsynchronousListener() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("listener.q");
            List<String> got = new CopyOnWriteArrayList<>();
            s.createConsumer(q).setMessageListener(m -> {
                try {
                    got.add(((TextMessage) m).getText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            MessageProducer p = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(q);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sent.add("m" + i);
                p.send(s.createTextMessage("m" + i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 500);
            assertThat(got).isEqualTo(sent);
        }
    }

    @Test
    void aMessageGroupIsProcessedInOrderAcrossConsumers() throws Exception {
        try (Connection c = broker.factory("?jms.prefetchPolicy.all=1").createConnection()) {
            // The core's rule: while a message of a group is in flight, the group's next one waits for it.
            Map<String, List<Integer>> byGroup = new java.util.concurrent.ConcurrentHashMap<>();
            List<String> all = new CopyOnWriteArrayList<>();
            for (int consumer = 0; consumer < 2; consumer++) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createConsumer(s.createQueue("groups.q")).setMessageListener(m -> {
                    try {
                        byGroup.computeIfAbsent(m.getStringProperty("JMSXGroupID"), g -> new CopyOnWriteArrayList<>())
                                .add(m.getIntProperty("n"));
                        all.add(((TextMessage) m).getText());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("groups.q"));
            for (int i = 0; i < 40; i++) {
                TextMessage m = s.createTextMessage("m" + i);
                m.setStringProperty("JMSXGroupID", "group-" + (i % 4));
                m.setIntProperty("n", i);
                p.send(m);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> all.size() == 40);
            assertThat(byGroup).hasSize(4);
            byGroup.forEach((group, order) -> assertThat(order).as(group).hasSize(10).isSorted());
        }
    }

    @Test
    void aScheduledDelayHoldsTheMessageBack() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("scheduled.q");
            TextMessage m = s.createTextMessage("later");
            m.setLongProperty("AMQ_SCHEDULED_DELAY", 1500);
            long sent = System.currentTimeMillis();
            s.createProducer(q).send(m);
            TextMessage got = (TextMessage) s.createConsumer(q).receive(15_000);
            assertThat(got.getText()).isEqualTo("later");
            assertThat(System.currentTimeMillis() - sent).isGreaterThanOrEqualTo(1400);
            assertThat(got.propertyExists("AMQ_SCHEDULED_DELAY")).isFalse();
        }
    }

    @Test
    void propertiesOfOtherTypesSurviveAsTheirType() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("props.q");
            TextMessage m = s.createTextMessage("x");
            m.setObjectProperty("o", 12L);
            s.createProducer(q).send(m);
            Message got = s.createConsumer(q).receive(10_000);
            assertThat(got.getObjectProperty("o")).isEqualTo(12L);
            assertThat(Map.of("o", got.getObjectProperty("o"))).containsEntry("o", 12L);
        }
    }
}
