package io.ferrymq.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The exchange and queue classes with the RabbitMQ client: declare, bind, unbind, purge, delete and their errors. */
class Amqp091DeclarationsTest {

    private static EmbeddedAmqp091Broker broker;
    private Connection connection;
    private Channel ch;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void open() throws Exception {
        connection = broker.factory().newConnection();
        ch = connection.createChannel();
    }

    @AfterEach
    void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String getText(String queue) throws Exception {
        GetResponse r = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(queue, true), x -> x != null);
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void eachExchangeTypeRoutesAsInRabbitMq() throws Exception {
        String direct = name("direct");
        String fanout = name("fanout");
        String topic = name("topic");
        String headers = name("headers");
        ch.exchangeDeclare(direct, BuiltinExchangeType.DIRECT);
        ch.exchangeDeclare(fanout, BuiltinExchangeType.FANOUT, true);
        ch.exchangeDeclare(topic, BuiltinExchangeType.TOPIC, false, true, null);
        ch.exchangeDeclare(headers, BuiltinExchangeType.HEADERS);
        String q1 = ch.queueDeclare().getQueue();
        String q2 = ch.queueDeclare().getQueue();
        String q3 = ch.queueDeclare().getQueue();
        String q4 = ch.queueDeclare().getQueue();
        ch.queueBind(q1, direct, "k");
        ch.queueBind(q2, fanout, "ignored");
        ch.queueBind(q3, topic, "a.*.c");
        ch.queueBind(q4, headers, "", Map.of("x-match", "any", "kind", "x", "other", "y"));

        ch.basicPublish(direct, "k", null, utf8("to-direct"));
        ch.basicPublish(direct, "not-k", null, utf8("lost"));
        ch.basicPublish(fanout, "whatever", null, utf8("to-fanout"));
        ch.basicPublish(topic, "a.b.c", null, utf8("to-topic"));
        ch.basicPublish(headers, "", new AMQP.BasicProperties.Builder().headers(Map.of("kind", "x")).build(),
                utf8("to-headers"));

        assertThat(getText(q1)).isEqualTo("to-direct");
        assertThat(getText(q2)).isEqualTo("to-fanout");
        assertThat(getText(q3)).isEqualTo("to-topic");
        assertThat(getText(q4)).isEqualTo("to-headers");
        assertThat(ch.basicGet(q1, true)).isNull();
    }

    @Test
    void serverNamedQueuesAreInTheAmqGenNamespace() throws Exception {
        AMQP.Queue.DeclareOk ok = ch.queueDeclare();
        assertThat(ok.getQueue()).startsWith("amq.gen-");
        assertThat(ok.getMessageCount()).isZero();
        assertThat(ok.getConsumerCount()).isZero();
    }

    @Test
    void aPassiveDeclareReportsCountsAndAMissingQueueIsNotFound() throws Exception {
        String q = name("passive");
        ch.queueDeclare(q, false, false, true, null);
        ch.basicPublish("", q, null, utf8("one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive(q).getMessageCount() == 1);

        assertThatThrownBy(() -> ch.queueDeclarePassive(name("missing")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404").contains("NOT_FOUND - no queue"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aPassiveExchangeDeclareOfAMissingExchangeIsNotFound() {
        assertThatThrownBy(() -> ch.exchangeDeclarePassive(name("nope")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404").contains("NOT_FOUND - no exchange"));
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void redeclaringAQueueWithOtherArgumentsIsAPreconditionFailure() throws Exception {
        String q = name("args");
        ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 10));
        ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 10));
        assertThatThrownBy(() -> ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 20)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("PRECONDITION_FAILED - inequivalent arg 'x-max-length'"));
    }

    @Test
    void redeclaringAnExchangeWithAnotherTypeIsAPreconditionFailure() throws Exception {
        String x = name("x");
        ch.exchangeDeclare(x, "direct");
        assertThatThrownBy(() -> ch.exchangeDeclare(x, "fanout"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("inequivalent arg 'type'"));
    }

    @Test
    void anUnknownExchangeTypeIsACommandInvalidConnectionError() {
        assertThatThrownBy(() -> ch.exchangeDeclare(name("x"), "x-consistent-hash"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=503").contains("invalid exchange type"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isOpen());
    }

    @Test
    void reservedNamesAndTheDefaultExchangeAreRefusedWithAccessRefused() throws Exception {
        assertThatThrownBy(() -> ch.queueDeclare("amq.mine", false, false, true, null))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=403"));
        Channel c2 = connection.createChannel();
        assertThatThrownBy(() -> c2.exchangeDeclare("amq.mine", "direct"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=403"));
        Channel c3 = connection.createChannel();
        String q = c3.queueDeclare().getQueue();
        assertThatThrownBy(() -> c3.queueBind(q, "", q))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=403")
                        .contains("operation not permitted on the default exchange"));
    }

    @Test
    void anExclusiveQueueOfAnotherConnectionIsResourceLocked() throws Exception {
        String q = name("exclusive");
        ch.queueDeclare(q, false, true, false, null);
        try (Connection other = broker.factory().newConnection()) {
            Channel och = other.createChannel();
            assertThatThrownBy(() -> och.queueDeclare(q, false, true, false, null))
                    .satisfies(e -> assertThat(describe(e)).contains("reply-code=405").contains("RESOURCE_LOCKED"));
            Channel och2 = other.createChannel();
            assertThatThrownBy(() -> och2.basicConsume(q, true, (t, d) -> { }, t -> { }))
                    .satisfies(e -> assertThat(describe(e)).contains("reply-code=405"));
        }
        connection.close();
        // An exclusive queue goes with its connection.
        try (Connection again = broker.factory().newConnection()) {
            Channel c = again.createChannel();
            assertThatThrownBy(() -> c.queueDeclarePassive(q)).satisfies(e -> assertThat(describe(e)).contains("404"));
        }
        connection = broker.factory().newConnection();
    }

    @Test
    void queueArgumentsTheCoreAppliesWork() throws Exception {
        String dlx = name("dlx");
        String dead = name("dead");
        ch.exchangeDeclare(dlx, "fanout");
        ch.queueDeclare(dead, false, false, true, null);
        ch.queueBind(dead, dlx, "");
        String q = name("limited");
        Map<String, Object> args = new HashMap<>();
        args.put("x-max-length", 2);
        args.put("x-overflow", "drop-head");
        args.put("x-dead-letter-exchange", dlx);
        args.put("x-max-priority", 10);
        args.put("x-max-length-bytes", 1_000_000L);
        ch.queueDeclare(q, false, false, false, args);
        for (String s : new String[] {"1", "2", "3"}) {
            ch.basicPublish("", q, null, utf8(s));
        }
        GetResponse deadLettered = await().atMost(Duration.ofSeconds(10))
                .until(() -> ch.basicGet(dead, true), x -> x != null);
        assertThat(new String(deadLettered.getBody(), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(deadLettered.getProps().getHeaders().get("x-death-reason")).hasToString("maxlen");
        assertThat(getText(q)).isEqualTo("2");
    }

    @Test
    void queueArgumentsTheCoreLacksAreRefusedClearly() {
        assertThatThrownBy(() -> ch.queueDeclare(name("located"), false, false, false,
                Map.of("x-queue-master-locator", "min-masters")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("queue argument 'x-queue-master-locator' is not supported"));
    }

    @Test
    void invalidArgumentValuesArePreconditionFailures() throws Exception {
        assertThatThrownBy(() -> ch.queueDeclare(name("bad"), false, false, false, Map.of("x-message-ttl", -1)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-message-ttl"));
        Channel c2 = connection.createChannel();
        assertThatThrownBy(() -> c2.queueDeclare(name("bad"), false, false, false, Map.of("x-queue-type", "delayed")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-queue-type"));
    }

    @Test
    void exchangeToExchangeBindingsRouteThrough() throws Exception {
        String source = name("src");
        String dest = name("dst");
        ch.exchangeDeclare(source, "topic");
        ch.exchangeDeclare(dest, "fanout", false, false, true, null); // internal: only fed by bindings
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, dest, "");
        ch.exchangeBind(dest, source, "orders.#");
        ch.basicPublish(source, "orders.new", null, utf8("via-e2e"));
        assertThat(getText(q)).isEqualTo("via-e2e");

        ch.exchangeUnbind(dest, source, "orders.#");
        ch.exchangeUnbind(dest, source, "orders.#"); // unbinding what is not bound succeeds
        ch.basicPublish(source, "orders.new", null, utf8("lost"));
        ch.basicPublish("", q, null, utf8("direct"));
        assertThat(getText(q)).isEqualTo("direct");
    }

    @Test
    void anAlternateExchangeTakesWhatItsExchangeCannotRoute() throws Exception {
        String ae = name("ae");
        String main = name("main");
        ch.exchangeDeclare(ae, "fanout");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", ae));
        String routed = ch.queueDeclare().getQueue();
        String unrouted = ch.queueDeclare().getQueue();
        ch.queueBind(routed, main, "k");
        ch.queueBind(unrouted, ae, "");
        java.util.List<String> returns = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.addReturnListener(r -> returns.add(r.getRoutingKey()));
        ch.basicPublish(main, "k", true, null, utf8("routed"));
        ch.basicPublish(main, "other", true, null, utf8("to the alternate"));
        assertThat(getText(routed)).isEqualTo("routed");
        assertThat(getText(unrouted)).isEqualTo("to the alternate");
        assertThat(returns).isEmpty();
    }

    @Test
    void publishingToAnInternalExchangeIsAccessRefused() throws Exception {
        String x = name("internal");
        ch.exchangeDeclare(x, "fanout", false, false, true, null);
        ch.basicPublish(x, "", null, utf8("no"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=403");
    }

    @Test
    void unbindStopsRoutingAndPurgeEmptiesTheQueue() throws Exception {
        String x = name("x");
        ch.exchangeDeclare(x, "direct");
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "k");
        ch.basicPublish(x, "k", null, utf8("a"));
        ch.basicPublish(x, "k", null, utf8("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive(q).getMessageCount() == 2);
        assertThat(ch.queuePurge(q).getMessageCount()).isEqualTo(2);
        ch.queueUnbind(q, x, "k");
        ch.queueUnbind(q, x, "k");
        ch.basicPublish(x, "k", null, utf8("c"));
        ch.basicPublish("", q, null, utf8("d"));
        assertThat(getText(q)).isEqualTo("d");
    }

    @Test
    void deleteHonoursIfUnusedAndIfEmptyAndIsIdempotent() throws Exception {
        String q = name("del");
        ch.queueDeclare(q, false, false, false, null);
        ch.basicPublish("", q, null, utf8("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive(q).getMessageCount() == 1);
        assertThatThrownBy(() -> ch.queueDelete(q, false, true))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406"));
        Channel c2 = connection.createChannel();
        c2.basicConsume(q, false, (t, d) -> { }, t -> { });
        Channel c3 = connection.createChannel();
        assertThatThrownBy(() -> c3.queueDelete(q, true, false))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("in use"));
        Channel c4 = connection.createChannel();
        assertThat(c4.queueDelete(q).getMessageCount()).isEqualTo(1);
        assertThat(c4.queueDelete(q).getMessageCount()).isZero();

        String x = name("x");
        c4.exchangeDeclare(x, "direct");
        c4.queueBind(c4.queueDeclare().getQueue(), x, "k");
        assertThatThrownBy(() -> c4.exchangeDelete(x, true))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406"));
        Channel c5 = connection.createChannel();
        c5.exchangeDelete(x);
        c5.exchangeDelete(x);
        assertThatThrownBy(() -> c5.exchangeDeclarePassive(x)).satisfies(e -> assertThat(describe(e)).contains("404"));
    }

    @Test
    void bindingToAMissingQueueOrExchangeIsNotFound() throws Exception {
        String q = ch.queueDeclare().getQueue();
        assertThatThrownBy(() -> ch.queueBind(q, name("nox"), "k"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404"));
        Channel c2 = connection.createChannel();
        assertThatThrownBy(() -> c2.queueBind(name("noq"), "amq.direct", "k"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404"));
    }

    @Test
    void aUserWithoutPermissionIsAccessRefused() throws Exception {
        var f = broker.factory();
        f.setUsername("limited");
        f.setPassword("secret");
        try (Connection c = f.newConnection()) {
            Channel lch = c.createChannel();
            lch.queueDeclare("allowed.q-" + UUID.randomUUID(), false, false, true, null);
            assertThatThrownBy(() -> lch.queueDeclare("forbidden-" + UUID.randomUUID(), false, false, true, null))
                    .satisfies(e -> assertThat(describe(e)).contains("reply-code=403").contains("ACCESS_REFUSED"));
        }
    }
}
