package io.ferrymq.amqp091;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.annotation.EnableRabbit;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Spring AMQP, as legacy Spring applications use RabbitMQ: RabbitAdmin, RabbitTemplate with confirms, @RabbitListener. */
class SpringRabbitTest {

    private static EmbeddedAmqp091Broker broker;
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory cf = new CachingConnectionFactory("127.0.0.1", broker.port);
        cf.setUsername("guest");
        cf.setPassword("guest");
        cf.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        cf.setPublisherReturns(true);
        return cf;
    }

    @Test
    void rabbitTemplateSendsReceivesAndGetsConfirms() throws Exception {
        CachingConnectionFactory cf = connectionFactory();
        try {
            RabbitAdmin admin = new RabbitAdmin(cf);
            Queue queue = new Queue("spring-orders", true, false, false);
            TopicExchange exchange = new TopicExchange("spring-events");
            admin.declareQueue(queue);
            admin.declareExchange(exchange);
            Binding binding = BindingBuilder.bind(queue).to(exchange).with("order.*");
            admin.declareBinding(binding);

            RabbitTemplate template = new RabbitTemplate(cf);
            template.setMandatory(true);
            List<String> returned = new CopyOnWriteArrayList<>();
            template.setReturnsCallback(r -> returned.add(r.getReplyText() + " " + r.getRoutingKey()));
            CorrelationData correlation = new CorrelationData("c1");
            template.convertAndSend("spring-events", "order.created", "hello spring", correlation);
            assertThat(correlation.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
            template.convertAndSend("spring-events", "nobody.listens", "unroutable");
            await().atMost(Duration.ofSeconds(10)).until(() -> returned.contains("NO_ROUTE nobody.listens"));

            Object got = template.receiveAndConvert("spring-orders", 10_000);
            assertThat(got).isEqualTo("hello spring");

            MessageProperties props = new MessageProperties();
            props.setHeader("tenant", "acme");
            props.setContentType("text/plain");
            template.send("", "spring-orders", new Message("raw".getBytes(), props));
            Message raw = template.receive("spring-orders", 10_000);
            assertThat(raw.getMessageProperties().getHeaders()).containsKey("tenant");
            assertThat(String.valueOf(raw.getMessageProperties().<Object>getHeader("tenant"))).isEqualTo("acme");
            admin.deleteQueue("spring-orders");
            admin.deleteExchange("spring-events");
        } finally {
            cf.destroy();
        }
    }

    @Test
    void aRabbitListenerContainerConsumesAndAcknowledges() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(ListenerConfig.class)) {
            RabbitTemplate template = ctx.getBean(RabbitTemplate.class);
            for (int i = 0; i < 20; i++) {
                template.convertAndSend("", "spring-listened", "m" + i);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVED.size() == 20);
            assertThat(RECEIVED).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toList());
            RabbitAdmin admin = ctx.getBean(RabbitAdmin.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.getQueueInfo("spring-listened").getMessageCount() == 0);
        }
    }

    @Configuration
    @EnableRabbit
    static class ListenerConfig {

        @Bean
        CachingConnectionFactory connectionFactory() {
            return SpringRabbitTest.connectionFactory();
        }

        @Bean
        RabbitAdmin rabbitAdmin(CachingConnectionFactory cf) {
            return new RabbitAdmin(cf);
        }

        @Bean
        Queue listenedQueue() {
            return new Queue("spring-listened", false, false, true);
        }

        @Bean
        RabbitTemplate rabbitTemplate(CachingConnectionFactory cf) {
            return new RabbitTemplate(cf);
        }

        @Bean
        SimpleRabbitListenerContainerFactory rabbitListenerContainerFactory(CachingConnectionFactory cf) {
            SimpleRabbitListenerContainerFactory f = new SimpleRabbitListenerContainerFactory();
            f.setConnectionFactory(cf);
            f.setAcknowledgeMode(AcknowledgeMode.AUTO);
            f.setPrefetchCount(5);
            return f;
        }

        @RabbitListener(queues = "spring-listened")
        void onMessage(String body) {
            RECEIVED.add(body);
        }
    }
}
