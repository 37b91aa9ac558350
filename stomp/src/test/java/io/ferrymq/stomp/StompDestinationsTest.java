package io.ferrymq.stomp;

import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The destination spellings of RabbitMQ and ActiveMQ map onto the same core queues and exchanges. */
class StompDestinationsTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void queueSpellingsAllReachTheSameQueue() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SUBSCRIBE\nid:0\ndestination:/queue/same\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/queue/same\n\na\0");
            c.send("SEND\ndestination:/amq/queue/same\n\nb\0");
            c.send("SEND\ndestination:queue://same\n\nc\0");
            c.send("SEND\ndestination:same\n\nd\0");
            assertThat(c.read().body()).isEqualTo("a");
            assertThat(c.read().body()).isEqualTo("b");
            assertThat(c.read().body()).isEqualTo("c");
            assertThat(c.read().body()).isEqualTo("d");
        }
    }

    @Test
    void amqQueueMustExist() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SEND\ndestination:/amq/queue/nowhere\nreceipt:r\n\nx\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Not found").contains("nowhere");
        }
    }

    @Test
    void exchangeDestinationRoutesThroughTheNamedExchange() throws Exception {
        try (RawStompClient a = new RawStompClient(broker.port("stomp")).connect();
             RawStompClient b = new RawStompClient(broker.port("stomp")).connect()) {
            a.send("SUBSCRIBE\nid:0\ndestination:/exchange/amq.fanout\nreceipt:r\n\n\0");
            assertThat(a.read().command()).isEqualTo("RECEIPT");
            b.send("SUBSCRIBE\nid:0\ndestination:/exchange/amq.direct/green\nreceipt:r\n\n\0");
            assertThat(b.read().command()).isEqualTo("RECEIPT");
            a.send("SEND\ndestination:/exchange/amq.fanout/anything\n\nfan\0");
            a.send("SEND\ndestination:/exchange/amq.direct/red\n\nred\0");
            a.send("SEND\ndestination:/exchange/amq.direct/green\n\ngreen\0");
            RawStompClient.Frame fanned = a.read();
            assertThat(fanned.body()).isEqualTo("fan");
            assertThat(fanned.header("destination")).isEqualTo("/exchange/amq.fanout/anything");
            assertThat(b.read().body()).isEqualTo("green");
        }
    }

    @Test
    void topicSubscriptionWithActiveMqWildcardsAndSelectorOnTheBinding() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SUBSCRIBE\nid:0\ndestination:/topic/sensors.*.temp\nselector:celsius > 30\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/topic/sensors.kitchen.temp\ncelsius:20\n\ncool\0");
            c.send("SEND\ndestination:/topic/sensors.kitchen.humidity\n\nwet\0");
            c.send("SEND\ndestination:/topic/sensors.oven.temp\n\nno header\0");
            // STOMP headers are strings; a JMS selector compares numbers with numbers only.
            c.send("SEND\ndestination:/topic/sensors.attic.temp\ncelsius:35\n\nstring 35\0");
            c.send("SUBSCRIBE\nid:1\ndestination:/topic/sensors.>\nreceipt:r2\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/topic/sensors.a.b.c\n\ndeep\0");
            RawStompClient.Frame deep = c.read();
            assertThat(deep.body()).isEqualTo("deep");
            assertThat(deep.header("subscription")).isEqualTo("1");
        }
    }

    @Test
    void rabbitMqStyleDurableSubscriptionIsRemovedByADurableUnsubscribe() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nclient-id:svc\n\n\0");
            assertThat(c.read().command()).isEqualTo("CONNECTED");
            c.send("SUBSCRIBE\nid:feed\ndestination:/topic/feed\ndurable:true\nauto-delete:false\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            assertThat(broker.broker().vhost("/").queue("svc.feed")).isNotNull();
            c.send("UNSUBSCRIBE\nid:feed\ndurable:true\nreceipt:u\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            assertThat(broker.broker().vhost("/").queue("svc.feed")).isNull();
        }
    }

    @Test
    void unsubscribeStopsDeliveriesAndUnknownIdsAreErrors() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SUBSCRIBE\nid:s\ndestination:/queue/u\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("UNSUBSCRIBE\nid:s\nreceipt:u\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/queue/u\nreceipt:p\n\nafter\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("UNSUBSCRIBE\nid:s\n\n\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("no subscription with id 's'");
        }
        assertThat(broker.broker().vhost("/").queue("u").exactStats().join().ready()).isEqualTo(1);
    }

    @Test
    void exchangesDeclaredByOtherProtocolsAreReachable() throws Exception {
        broker.broker().vhost("/").declareExchange(ExchangeDeclaration.durable("logs", ExchangeType.TOPIC));
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SUBSCRIBE\nid:0\ndestination:/exchange/logs/app.#\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/exchange/logs/app.web.error\n\nboom\0");
            assertThat(c.read().body()).isEqualTo("boom");
        }
    }
}
