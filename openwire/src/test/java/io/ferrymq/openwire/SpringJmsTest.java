package io.ferrymq.openwire;

import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Spring JMS application on the ActiveMQ connection factory: JmsTemplate and a listener container. */
class SpringJmsTest {

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
    void jmsTemplateSendsAndReceives() {
        CachingConnectionFactory factory = new CachingConnectionFactory(broker.factory());
        try {
            JmsTemplate template = new JmsTemplate(factory);
            template.setReceiveTimeout(10_000);
            template.convertAndSend("spring.template", "hello from spring");
            assertThat(template.receiveAndConvert("spring.template")).isEqualTo("hello from spring");
            // Another queue: the cached consumer of the first one keeps its prefetch, as with ActiveMQ.
            template.send("spring.selected", s -> {
                TextMessage m = s.createTextMessage("with a property");
                m.setStringProperty("kind", "test");
                return m;
            });
            assertThat(template.receiveSelectedAndConvert("spring.selected", "kind = 'test'"))
                    .isEqualTo("with a property");
        } finally {
            factory.destroy();
        }
    }

    @Test
    void aListenerContainerConsumesInTransactions() {
        CachingConnectionFactory factory = new CachingConnectionFactory(broker.factory());
        DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
        List<String> got = new CopyOnWriteArrayList<>();
        try {
            container.setConnectionFactory(factory);
            container.setDestinationName("spring.container");
            container.setSessionTransacted(true);
            container.setConcurrentConsumers(2);
            container.setMessageListener((jakarta.jms.MessageListener) m -> {
                try {
                    got.add(((TextMessage) m).getText());
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            container.afterPropertiesSet();
            container.start();
            JmsTemplate template = new JmsTemplate(factory);
            for (int i = 0; i < 50; i++) {
                template.convertAndSend("spring.container", "m" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= 50);
            assertThat(got).hasSize(50).doesNotHaveDuplicates();
        } finally {
            container.shutdown();
            factory.destroy();
        }
    }
}
