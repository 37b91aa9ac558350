package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where messages go: temporary queues and topics, selectors, durable subscriptions, wildcards, composite
 * destinations, virtual topics, browsers and advisory topics.
 */
class OpenwireDestinationsTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aReplyReachesTheRequestersTemporaryQueueFromAnotherConnection() throws Exception {
        try (Connection requester = broker.factory().createConnection();
             Connection responder = broker.factory().createConnection()) {
            requester.start();
            responder.start();
            Session rs = requester.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = rs.createTemporaryQueue();
            MessageConsumer replyConsumer = rs.createConsumer(replies);
            TextMessage request = rs.createTextMessage("ping");
            request.setJMSReplyTo(replies);
            rs.createProducer(rs.createQueue("service.q")).send(request);

            Session ss = responder.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message got = ss.createConsumer(ss.createQueue("service.q")).receive(10_000);
            assertThat(got.getJMSReplyTo()).isEqualTo(replies);
            ss.createProducer(got.getJMSReplyTo()).send(ss.createTextMessage("pong"));
            assertThat(((TextMessage) replyConsumer.receive(10_000)).getText()).isEqualTo("pong");

            replyConsumer.close();
            replies.delete();
            // The responder heard of the deletion on the advisory topic, as from ActiveMQ.
            MessageProducer late = ss.createProducer(got.getJMSReplyTo());
            assertThatThrownBy(() -> late.send(ss.createTextMessage("too late")))
                    .isInstanceOf(InvalidDestinationException.class);
            try (Connection deaf = broker.factory("?jms.watchTopicAdvisories=false").createConnection()) {
                Session ds = deaf.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer unaware = ds.createProducer(got.getJMSReplyTo());
                assertThatThrownBy(() -> unaware.send(ds.createTextMessage("too late")))
                        .isInstanceOf(InvalidDestinationException.class).hasMessageContaining("no longer exists");
            }
        }
    }

    @Test
    void aTemporaryQueueGoesWithItsConnection() throws Exception {
        String core;
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue q = s.createTemporaryQueue();
            s.createProducer(q).send(s.createTextMessage("mine"));
            assertThat(((TextMessage) s.createConsumer(q).receive(10_000)).getText()).isEqualTo("mine");
            core = broker.broker.vhost("/").queues().stream().map(io.ferrymq.core.queue.Queue::name).filter(n -> n.startsWith("amq.gen-openwire-"))
                    .findFirst().orElseThrow();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> broker.broker.vhost("/").queue(core) == null);
    }

    @Test
    void aTemporaryTopicDeliversToItsSubscribers() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryTopic t = s.createTemporaryTopic();
            MessageConsumer consumer = s.createConsumer(t);
            s.createProducer(t).send(s.createTextMessage("to the temp topic"));
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("to the temp topic");
        }
    }

    @Test
    void aSelectorLeavesOtherMessagesForOtherConsumers() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("selector.q");
            MessageProducer p = s.createProducer(q);
            for (String colour : List.of("blue", "red", "blue")) {
                TextMessage m = s.createTextMessage(colour);
                m.setStringProperty("colour", colour);
                p.send(m);
            }
            MessageConsumer red = s.createConsumer(q, "colour = 'red'");
            assertThat(((TextMessage) red.receive(10_000)).getText()).isEqualTo("red");
            assertThat(red.receive(300)).isNull();
            MessageConsumer blue = s.createConsumer(q, "colour = 'blue' AND JMSPriority = 4");
            assertThat(((TextMessage) blue.receive(10_000)).getText()).isEqualTo("blue");
            assertThat(((TextMessage) blue.receive(10_000)).getText()).isEqualTo("blue");
        }
    }

    @Test
    void aTopicSelectorFiltersTheSubscription() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("selector.topic");
            MessageConsumer big = s.createConsumer(t, "size > 10");
            MessageProducer p = s.createProducer(t);
            for (int size : new int[] {5, 50}) {
                TextMessage m = s.createTextMessage("size " + size);
                m.setIntProperty("size", size);
                p.send(m);
            }
            assertThat(((TextMessage) big.receive(10_000)).getText()).isEqualTo("size 50");
            assertThat(big.receive(300)).isNull();
        }
    }

    @Test
    void aDurableSubscriptionKeepsMessagesWhileItsSubscriberIsAway() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.setClientID("durable-client");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("durable.news");
            TopicSubscriber sub = s.createDurableSubscriber(t, "reader");
            sub.close();
            // The same queue STOMP's ActiveMQ-style durable subscriptions use: CLIENT.SUBSCRIPTION.
            assertThat(broker.broker.vhost("/").queue("durable-client.reader")).isNotNull();
            MessageProducer p = s.createProducer(t);
            p.send(s.createTextMessage("while away 1"));
            p.send(s.createTextMessage("while away 2"));
        }
        try (Connection c = broker.factory().createConnection()) {
            c.setClientID("durable-client");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("durable.news");
            TopicSubscriber sub = s.createDurableSubscriber(t, "reader");
            assertThat(((TextMessage) sub.receive(10_000)).getText()).isEqualTo("while away 1");
            assertThat(((TextMessage) sub.receive(10_000)).getText()).isEqualTo("while away 2");
            assertThatThrownBy(() -> s.unsubscribe("reader")).isInstanceOf(JMSException.class);
            sub.close();
            s.unsubscribe("reader");
            assertThat(broker.broker.vhost("/").queue("durable-client.reader")).isNull();
            assertThatThrownBy(() -> s.unsubscribe("reader")).isInstanceOf(InvalidDestinationException.class);
        }
    }

    @Test
    void wildcardsMatchLikeActiveMq() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer oneLevel = s.createConsumer(s.createTopic("wild.*"));
            MessageConsumer anyDepth = s.createConsumer(s.createTopic("wild.>"));
            s.createProducer(s.createTopic("wild.sport")).send(s.createTextMessage("sport"));
            s.createProducer(s.createTopic("wild.sport.football")).send(s.createTextMessage("football"));
            assertThat(((TextMessage) oneLevel.receive(10_000)).getText()).isEqualTo("sport");
            assertThat(oneLevel.receive(300)).isNull();
            assertThat(((TextMessage) anyDepth.receive(10_000)).getText()).isEqualTo("sport");
            Message second = anyDepth.receive(10_000);
            assertThat(((TextMessage) second).getText()).isEqualTo("football");
            assertThat(second.getJMSDestination()).isEqualTo(s.createTopic("wild.sport.football"));
            MessageProducer wildProducer = s.createProducer(s.createTopic("wild.>"));
            assertThatThrownBy(() -> wildProducer.send(s.createTextMessage("x")))
                    .isInstanceOf(JMSException.class).hasMessageContaining("wildcard");
        }
    }

    @Test
    void aCompositeDestinationSendsToAndConsumesFromEachPart() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("composite.a,composite.b,topic://composite.t")).send(s.createTextMessage("x"));
            // The topic part had no subscriber; each queue has its copy.
            assertThat(((TextMessage) s.createConsumer(s.createQueue("composite.a")).receive(10_000)).getText())
                    .isEqualTo("x");
            assertThat(((TextMessage) s.createConsumer(s.createQueue("composite.b")).receive(10_000)).getText())
                    .isEqualTo("x");
            MessageConsumer both = s.createConsumer(s.createQueue("composite.c,composite.d"));
            s.createProducer(s.createQueue("composite.c")).send(s.createTextMessage("from c"));
            s.createProducer(s.createQueue("composite.d")).send(s.createTextMessage("from d"));
            List<String> got = new ArrayList<>();
            got.add(((TextMessage) both.receive(10_000)).getText());
            got.add(((TextMessage) both.receive(10_000)).getText());
            Collections.sort(got);
            assertThat(got).containsExactly("from c", "from d");
        }
    }

    @Test
    void eachVirtualTopicConsumerGroupGetsEveryMessageOnce() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer a1 = s.createConsumer(s.createQueue("Consumer.A.VirtualTopic.orders"));
            MessageConsumer b = s.createConsumer(s.createQueue("Consumer.B.VirtualTopic.orders"));
            MessageProducer p = s.createProducer(s.createTopic("VirtualTopic.orders"));
            p.send(s.createTextMessage("order 1"));
            p.send(s.createTextMessage("order 2"));
            assertThat(((TextMessage) a1.receive(10_000)).getText()).isEqualTo("order 1");
            assertThat(((TextMessage) a1.receive(10_000)).getText()).isEqualTo("order 2");
            assertThat(((TextMessage) b.receive(10_000)).getText()).isEqualTo("order 1");
            assertThat(((TextMessage) b.receive(10_000)).getText()).isEqualTo("order 2");
            assertThat(a1.receive(300)).isNull();
        }
    }

    @Test
    void aBrowserSeesTheQueueWithoutTakingAnything() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("browse.q");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            // More than a browser's prefetch (500 by default).
            QueueBrowser big = s.createBrowser(s.createQueue("browse.big"));
            MessageProducer bigProducer = s.createProducer(s.createQueue("browse.big"));
            bigProducer.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < 1200; i++) {
                bigProducer.send(s.createTextMessage("b" + i));
            }
            int count = 0;
            for (var all = big.getEnumeration(); all.hasMoreElements(); all.nextElement()) {
                count++;
            }
            assertThat(count).isEqualTo(1200);
            QueueBrowser browser = s.createBrowser(q);
            List<String> seen = new ArrayList<>();
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                seen.add(((TextMessage) e.nextElement()).getText());
            }
            browser.close();
            assertThat(seen).containsExactly("m0", "m1", "m2");
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 3; i++) {
                assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void aConsumerWhoseQueueIsDeletedIsClosedAndTheApplicationHearsWhy() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            List<JMSException> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            c.setExceptionListener(heard::add);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("deleted.q"));
            org.apache.activemq.ActiveMQConnection amq = (org.apache.activemq.ActiveMQConnection) c;
            // As in ActiveMQ, a queue with consumers is not destroyed...
            assertThatThrownBy(() -> amq.destroyDestination(new org.apache.activemq.command.ActiveMQQueue("deleted.q")))
                    .isInstanceOf(JMSException.class);
            // ...but the broker may delete it (an operator, a policy), and the consumer ends.
            broker.broker.vhost("/").deleteQueue("deleted.q", false, false, 0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
            assertThat(heard.get(0)).hasMessageContaining("deleted.q");
            assertThatThrownBy(() -> consumer.receive(100)).isInstanceOf(jakarta.jms.IllegalStateException.class);
            Session other = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            other.createProducer(other.createQueue("still.works")).send(other.createTextMessage("yes"));
        }
    }

    @Test
    void aQueueWithoutConsumersCanBeDestroyed() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("destroy.q")).send(s.createTextMessage("x"));
            ((org.apache.activemq.ActiveMQConnection) c).destroyDestination(
                    new org.apache.activemq.command.ActiveMQQueue("destroy.q"));
            assertThat(broker.broker.vhost("/").queue("destroy.q")).isNull();
        }
    }

    @Test
    void anAdvisoryTopicHearsOnlyOfItsOwnDestination() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(s.createTopic("ActiveMQ.Advisory.Consumer.Queue.adv.q"));
            s.createConsumer(s.createQueue("adv.other"));
            s.createTemporaryQueue();
            assertThat(advisories.receive(300)).isNull();
        }
    }
}
