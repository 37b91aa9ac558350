package io.ferrymq.amqp.message;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AMQP 1.0 message converters without a broker: every section and every property type from AMQP into
 * the core ({@link AmqpToCore}), from the core out to AMQP ({@link CoreToAmqp}), and round trips both ways.
 */
class AmqpMessageConversionTest {

    private static final long NOW = 1_700_000_000_000L;

    private static byte[] encode(Object... sections) {
        return AmqpCodec.get().encode(sections);
    }

    private static Message toCore(Object... sections) {
        return AmqpToCore.convert(encode(sections), NOW, "alice").message();
    }

    private static AmqpSections fromCore(Message m) {
        return AmqpSections.decode(CoreToAmqp.encode(m, 0, NOW));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    class IntoTheCore {
        @Test
        void theHeaderGivesDurabilityPriorityAndExpiry() {
            Header h = new Header();
            h.setDurable(true);
            h.setPriority(UnsignedByte.valueOf((byte) 7));
            h.setTtl(UnsignedInteger.valueOf(60_000));
            Message m = toCore(h, new AmqpValue("x"));

            assertThat(m.durable()).isTrue();
            assertThat(m.priority()).isEqualTo(7);
            assertThat(m.expiration()).isEqualTo(NOW + 60_000);
            assertThat(m.timestamp()).isEqualTo(NOW);
            assertThat(m.userId()).isEqualTo("alice");
        }

        @Test
        void aPriorityAboveNineIsNine() {
            Header h = new Header();
            h.setPriority(UnsignedByte.valueOf((byte) 200));
            assertThat(toCore(h, new AmqpValue("x")).priority()).isEqualTo(Message.MAX_PRIORITY);
        }

        @Test
        void noHeaderMeansNotDurableDefaultPriorityNoExpiry() {
            Message m = toCore(new AmqpValue("x"));
            assertThat(m.durable()).isFalse();
            assertThat(m.priority()).isEqualTo(Message.DEFAULT_PRIORITY);
            assertThat(m.expiration()).isZero();
        }

        @Test
        void everyPropertiesFieldArrives() {
            Properties p = new Properties();
            p.setMessageId("id-1");
            p.setCorrelationId("corr-1");
            p.setReplyTo("replies");
            p.setSubject("greeting");
            p.setContentType(Symbol.valueOf("application/json"));
            p.setContentEncoding(Symbol.valueOf("gzip"));
            p.setGroupId("group-a");
            p.setCreationTime(new Date(NOW - 5_000));
            p.setAbsoluteExpiryTime(new Date(NOW + 9_000));
            p.setUserId(new Binary(utf8("alice")));
            p.setTo("orders");
            AmqpToCore.Inbound in = AmqpToCore.convert(encode(p, new Data(new Binary(utf8("{}")))), NOW, "alice");
            Message m = in.message();

            assertThat(m.messageId()).isEqualTo("id-1");
            assertThat(m.correlationId()).isEqualTo("corr-1");
            assertThat(m.replyTo()).isEqualTo("replies");
            assertThat(m.subject()).isEqualTo("greeting");
            assertThat(m.contentType()).isEqualTo("application/json");
            assertThat(m.contentEncoding()).isEqualTo("gzip");
            assertThat(m.groupId()).isEqualTo("group-a");
            assertThat(m.timestamp()).isEqualTo(NOW - 5_000);
            assertThat(m.expiration()).isEqualTo(NOW + 9_000);
            assertThat(in.userIdClaimed()).isEqualTo("alice");
            assertThat(in.to()).isEqualTo("orders");
            assertThat(in.toIsTopic()).isFalse();
        }

        @Test
        void theAbsoluteExpiryTimeWinsOverTheHeadersTtl() {
            Header h = new Header();
            h.setTtl(UnsignedInteger.valueOf(1_000));
            Properties p = new Properties();
            p.setAbsoluteExpiryTime(new Date(NOW + 50_000));
            assertThat(toCore(h, p, new AmqpValue("x")).expiration()).isEqualTo(NOW + 50_000);
        }

        @Test
        void messageIdsOfEveryTypeBecomeText() {
            UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            Object[][] cases = {
                    {"text-id", "text-id"},
                    {UnsignedLong.valueOf(42), "42"},
                    {uuid, uuid.toString()},
                    {new Binary(new byte[] {0x01, (byte) 0xAB}), "01ab"}};
            for (Object[] c : cases) {
                Properties p = new Properties();
                p.setMessageId(c[0]);
                p.setCorrelationId(c[0]);
                Message m = toCore(p, new AmqpValue("x"));
                assertThat(m.messageId()).as(c[0].getClass().getSimpleName()).isEqualTo(c[1]);
                assertThat(m.correlationId()).as(c[0].getClass().getSimpleName()).isEqualTo(c[1]);
            }
        }

        @Test
        void theJmsDestinationAnnotationSaysWhetherToIsATopic() {
            Properties p = new Properties();
            p.setTo("prices");
            MessageAnnotations topic = new MessageAnnotations(Map.of(JmsMapping.JMS_DEST, JmsMapping.TOPIC));
            assertThat(AmqpToCore.convert(encode(topic, p, new AmqpValue("x")), NOW, "u").toIsTopic()).isTrue();
            MessageAnnotations queue = new MessageAnnotations(Map.of(JmsMapping.JMS_DEST, JmsMapping.QUEUE));
            assertThat(AmqpToCore.convert(encode(queue, p, new AmqpValue("x")), NOW, "u").toIsTopic()).isFalse();
        }

        @Test
        void deliveryTimeAndDelayAnnotationsScheduleTheMessage() {
            MessageAnnotations at = new MessageAnnotations(Map.of(JmsMapping.DELIVERY_TIME, new Date(NOW + 7_000)));
            assertThat(toCore(at, new AmqpValue("x")).deliveryTime()).isEqualTo(NOW + 7_000);
            MessageAnnotations atMillis = new MessageAnnotations(Map.of(JmsMapping.DELIVERY_TIME, NOW + 8_000));
            assertThat(toCore(atMillis, new AmqpValue("x")).deliveryTime()).isEqualTo(NOW + 8_000);
            MessageAnnotations delay = new MessageAnnotations(Map.of(JmsMapping.DELIVERY_DELAY, 3_000L));
            assertThat(toCore(delay, new AmqpValue("x")).deliveryTime()).isEqualTo(NOW + 3_000);
        }

        @Test
        void everySimpleApplicationPropertyTypeHasACoreValue() {
            Map<String, Object> ap = new LinkedHashMap<>();
            ap.put("string", "text");
            ap.put("boolean", true);
            ap.put("byte", (byte) -3);
            ap.put("short", (short) 300);
            ap.put("int", 70_000);
            ap.put("long", 5_000_000_000L);
            ap.put("float", 1.5f);
            ap.put("double", 2.25d);
            ap.put("char", 'c');
            ap.put("binary", new Binary(new byte[] {9, 8, 7}));
            ap.put("symbol", Symbol.valueOf("sym"));
            ap.put("ubyte", UnsignedByte.valueOf((byte) 200));
            ap.put("ushort", UnsignedShort.valueOf((short) 60_000));
            ap.put("uint", UnsignedInteger.valueOf(4_000_000_000L));
            ap.put("ulong", UnsignedLong.valueOf(12L));
            ap.put("ulong-max", UnsignedLong.valueOf("18446744073709551615"));
            ap.put("timestamp", new Date(NOW));
            ap.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
            ap.put("null", null);
            Message m = toCore(new ApplicationProperties(ap), new AmqpValue("x"));

            assertThat(m.property("string")).isEqualTo("text");
            assertThat(m.property("boolean")).isEqualTo(true);
            assertThat(m.property("byte")).isEqualTo((byte) -3);
            assertThat(m.property("short")).isEqualTo((short) 300);
            assertThat(m.property("int")).isEqualTo(70_000);
            assertThat(m.property("long")).isEqualTo(5_000_000_000L);
            assertThat(m.property("float")).isEqualTo(1.5f);
            assertThat(m.property("double")).isEqualTo(2.25d);
            assertThat(m.property("char")).isEqualTo('c');
            assertThat((byte[]) m.property("binary")).containsExactly(9, 8, 7);
            assertThat(m.property("symbol")).isEqualTo("sym");
            assertThat(m.property("ubyte")).isEqualTo((short) 200);
            assertThat(m.property("ushort")).isEqualTo(60_000);
            assertThat(m.property("uint")).isEqualTo(4_000_000_000L);
            assertThat(m.property("ulong")).isEqualTo(12L);
            assertThat(m.property("ulong-max")).isEqualTo("18446744073709551615");
            assertThat(m.property("timestamp")).isEqualTo(NOW);
            assertThat(m.property("uuid")).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
            assertThat(m.properties()).containsKey("null");
            assertThat(m.property("null")).isNull();
        }

        @Test
        void compoundApplicationPropertiesAreRefusedByName() {
            assertThatThrownBy(() -> toCore(new ApplicationProperties(Map.of("list", List.of(1, 2))), new AmqpValue("x")))
                    .isInstanceOf(AmqpDecodeException.class)
                    .hasMessageContaining("application property 'list'")
                    .hasMessageContaining("application properties hold simple values");
            assertThatThrownBy(() -> toCore(new ApplicationProperties(Map.of("map", Map.of("a", 1))), new AmqpValue("x")))
                    .isInstanceOf(AmqpDecodeException.class).hasMessageContaining("application property 'map'");
        }

        @Test
        void aSingleDataSectionIsTheBody() {
            byte[] bytes = {0, 1, (byte) 0xFF, 10};
            Message m = toCore(new Data(new Binary(bytes)));
            assertThat(m.body()).isEqualTo(bytes);
            assertThat(m.contentType()).isNull();
        }

        @Test
        void severalDataSectionsAreOneBodyInOrder() {
            Message m = toCore(new Data(new Binary(utf8("ab"))), new Data(new Binary(utf8("cd"))), new Data(new Binary(utf8("e"))));
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("abcde");
        }

        @Test
        void anAmqpValueStringIsUtf8TextWithATextContentType() {
            Message m = toCore(new AmqpValue("h\u00e9llo \u2713"));
            assertThat(m.body()).isEqualTo(utf8("h\u00e9llo \u2713"));
            assertThat(m.contentType()).isEqualTo("text/plain; charset=utf-8");
        }

        @Test
        void anAmqpValueStringKeepsAContentTypeItWasGiven() {
            Properties p = new Properties();
            p.setContentType(Symbol.valueOf("text/csv"));
            assertThat(toCore(p, new AmqpValue("a,b")).contentType()).isEqualTo("text/csv");
        }

        @Test
        void anAmqpValueBinaryIsItsBytes() {
            assertThat(toCore(new AmqpValue(new Binary(new byte[] {5, 6}))).body()).containsExactly(5, 6);
        }

        @Test
        void typedBodiesAreKeptAsTheirEncodingForAmqpConsumers() {
            AmqpValue map = new AmqpValue(Map.of("k", 1));
            Message m = toCore(new Header(), map);
            assertThat(m.contentType()).isEqualTo(AmqpToCore.AMQP_BODY_CONTENT_TYPE);
            assertThat(m.body()).isEqualTo(encode(map));

            AmqpSequence seq = new AmqpSequence(List.of("a", 2));
            assertThat(toCore(seq).body()).isEqualTo(encode(seq));
            assertThat(toCore(new Header()).body()).isEmpty();
            assertThat(toCore(new Header()).contentType()).isEqualTo(AmqpToCore.AMQP_BODY_CONTENT_TYPE);
        }

        @Test
        void theOriginalEncodingRidesAlong() {
            byte[] encoded = encode(new Header(), new AmqpValue("x"));
            NativeForm nf = AmqpToCore.convert(encoded, NOW, "u").message().nativeForm();
            assertThat(nf.format()).isEqualTo(AmqpToCore.FORMAT);
            assertThat((byte[]) nf.value()).isEqualTo(encoded);
        }

        @Test
        void bytesThatAreNotAMessageAreRefused() {
            assertThatThrownBy(() -> AmqpToCore.convert(new byte[] {0x00, 0x53}, NOW, "u")).isInstanceOf(AmqpDecodeException.class);
            assertThatThrownBy(() -> AmqpToCore.convert(encode(new AmqpValue("x"), new Header()), NOW, "u"))
                    .isInstanceOf(AmqpDecodeException.class).hasMessageContaining("out of order");
        }
    }

    @Nested
    class OutOfTheCore {
        @Test
        void aMessageThatCameOverAmqpGoesOutAsSent() {
            byte[] encoded = encode(new Header(), new Properties(), new AmqpValue(Map.of("k", "v")));
            Message m = AmqpToCore.convert(encoded, NOW, "u").message();
            assertThat(CoreToAmqp.encode(m, 0, NOW)).isSameAs(encoded);
        }

        @Test
        void aRedeliveryChangesOnlyTheDeliveryCount() {
            Header h = new Header();
            h.setDurable(true);
            byte[] encoded = encode(h, new Properties(), new Data(new Binary(utf8("body"))));
            Message m = AmqpToCore.convert(encoded, NOW, "u").message();

            AmqpSections s = AmqpSections.decode(CoreToAmqp.encode(m, 3, NOW));
            assertThat(s.header.getDeliveryCount()).isEqualTo(UnsignedInteger.valueOf(3));
            assertThat(s.header.getDurable()).isTrue();
            byte[] again = CoreToAmqp.encode(m, 3, NOW);
            assertThat(Arrays.copyOfRange(again, s.headerEnd, again.length))
                    .isEqualTo(Arrays.copyOfRange(encoded, AmqpSections.decode(encoded).headerEnd, encoded.length));
        }

        @Test
        void aMessageWithoutAHeaderGetsOneForItsDeliveryCount() {
            byte[] encoded = encode(new AmqpValue("x"));
            Message m = AmqpToCore.convert(encoded, NOW, "u").message();
            AmqpSections s = AmqpSections.decode(CoreToAmqp.encode(m, 1, NOW));
            assertThat(s.header.getDeliveryCount()).isEqualTo(UnsignedInteger.ONE);
            assertThat(((AmqpValue) s.body.get(0)).getValue()).isEqualTo("x");
        }

        @Test
        void aMessageFromAnotherProtocolGetsEveryFieldAsAnAmqpSection() {
            Message m = Message.builder().durable(true).priority(8).timestamp(NOW - 1_000).expiration(NOW + 30_000)
                    .messageId("m-1").correlationId("c-1").replyTo("replies").subject("subj").groupId("g")
                    .userId("bob").contentEncoding("identity").contentType("application/octet-stream")
                    .routingKey("orders").body(new byte[] {1, 2, 3}).build();
            AmqpSections s = fromCore(m);

            assertThat(s.header.getDurable()).isTrue();
            assertThat(s.header.getPriority()).isEqualTo(UnsignedByte.valueOf((byte) 8));
            assertThat(s.header.getTtl()).isEqualTo(UnsignedInteger.valueOf(30_000));
            assertThat(s.header.getDeliveryCount()).isNull();
            Properties p = s.properties;
            assertThat(p.getMessageId()).isEqualTo("m-1");
            assertThat(p.getCorrelationId()).isEqualTo("c-1");
            assertThat(p.getReplyTo()).isEqualTo("replies");
            assertThat(p.getSubject()).isEqualTo("subj");
            assertThat(p.getGroupId()).isEqualTo("g");
            assertThat(p.getUserId()).isEqualTo(new Binary(utf8("bob")));
            assertThat((Object) p.getContentEncoding()).isEqualTo(Symbol.valueOf("identity"));
            assertThat((Object) p.getContentType()).isEqualTo(Symbol.valueOf("application/octet-stream"));
            assertThat(p.getCreationTime()).isEqualTo(new Date(NOW - 1_000));
            assertThat(p.getAbsoluteExpiryTime()).isEqualTo(new Date(NOW + 30_000));
            assertThat(p.getTo()).isEqualTo("orders");
            assertThat(s.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_DEST, JmsMapping.QUEUE)
                    .containsEntry(JmsMapping.JMS_MSG_TYPE, JmsMapping.BYTES)
                    .containsEntry(JmsMapping.JMS_REPLY_TO, JmsMapping.QUEUE);
            assertThat(((Data) s.body.get(0)).getValue()).isEqualTo(new Binary(new byte[] {1, 2, 3}));
        }

        @Test
        void textGoesOutAsAnAmqpValueStringDecodedWithItsCharset() {
            Message m = Message.builder().contentType("text/plain; charset=ISO-8859-1")
                    .body("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)).build();
            AmqpSections s = fromCore(m);
            assertThat(((AmqpValue) s.body.get(0)).getValue()).isEqualTo("caf\u00e9");
            assertThat(s.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_MSG_TYPE, JmsMapping.TEXT);
        }

        @Test
        void bytesWithoutAContentTypeGoOutAsData() {
            AmqpSections s = fromCore(Message.builder().body(new byte[] {(byte) 0xFE}).build());
            assertThat(s.body.get(0)).isInstanceOf(Data.class);
            assertThat((Object) s.properties.getContentType()).isNull();
            assertThat(s.header.getTtl()).isNull();
            assertThat(s.properties.getAbsoluteExpiryTime()).isNull();
        }

        @Test
        void aSerializedJavaObjectIsAnObjectMessage() {
            AmqpSections s = fromCore(Message.builder().contentType(JmsMapping.SERIALIZED_OBJECT).body(new byte[] {1}).build());
            assertThat(s.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_MSG_TYPE, JmsMapping.OBJECT);
        }

        @Test
        void theDestinationSaysQueueTopicOrExchange() {
            AmqpSections topic = fromCore(Message.builder().address("amq.topic").routingKey("prices.eur").body(new byte[0]).build());
            assertThat(topic.properties.getTo()).isEqualTo("prices.eur");
            assertThat(topic.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_DEST, JmsMapping.TOPIC);

            AmqpSections exchange = fromCore(Message.builder().address("events").routingKey("k").body(new byte[0]).build());
            assertThat(exchange.properties.getTo()).isEqualTo("/exchange/events/k");
            assertThat(exchange.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_DEST, JmsMapping.TOPIC);

            AmqpSections fanout = fromCore(Message.builder().address("events").body(new byte[0]).build());
            assertThat(fanout.properties.getTo()).isEqualTo("/exchange/events");
        }

        @Test
        void aReplyToATopicIsAnnotatedAsOne() {
            for (String topic : new String[] {"/topic/answers", "topic://answers", "/exchange/x/y"}) {
                AmqpSections s = fromCore(Message.builder().replyTo(topic).body(new byte[0]).build());
                assertThat(s.messageAnnotations.getValue()).as(topic).containsEntry(JmsMapping.JMS_REPLY_TO, JmsMapping.TOPIC);
            }
        }

        @Test
        void theJmsTypeOfAKeptTypedBodyIsInferredFromIt() {
            Object[][] cases = {
                    {new AmqpValue(Map.of("k", 1)), JmsMapping.MAP},
                    {new AmqpValue(List.of(1)), JmsMapping.STREAM},
                    {new AmqpSequence(List.of(1)), JmsMapping.STREAM},
                    {new AmqpValue(7), JmsMapping.OBJECT},
                    {new AmqpValue(null), JmsMapping.MESSAGE}};
            for (Object[] c : cases) {
                Message m = Message.builder().contentType(AmqpToCore.AMQP_BODY_CONTENT_TYPE).body(encode(c[0])).build();
                AmqpSections s = fromCore(m);
                assertThat(s.messageAnnotations.getValue()).as(String.valueOf(c[0]))
                        .containsEntry(JmsMapping.JMS_MSG_TYPE, c[1]);
                assertThat(encode(s.body.get(0))).isEqualTo(encode(c[0]));
            }
            Message none = Message.builder().contentType(AmqpToCore.AMQP_BODY_CONTENT_TYPE).body(new byte[0]).build();
            AmqpSections s = fromCore(none);
            assertThat(s.body).isEmpty();
            assertThat(s.messageAnnotations.getValue()).containsEntry(JmsMapping.JMS_MSG_TYPE, JmsMapping.MESSAGE);
        }
    }

    @Nested
    class RoundTrips {
        @Test
        void aCoreMessageSurvivesAmqpAndBack() {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("string", "s");
            props.put("boolean", false);
            props.put("byte", (byte) 1);
            props.put("short", (short) 2);
            props.put("int", 3);
            props.put("long", 4L);
            props.put("float", 5.5f);
            props.put("double", 6.5d);
            props.put("char", 'z');
            Message original = Message.builder().durable(true).priority(2).timestamp(NOW - 10).expiration(NOW + 10_000)
                    .messageId("m").correlationId("c").replyTo("r").subject("s").groupId("g")
                    .contentType("application/json").contentEncoding("utf-8").properties(props)
                    .property("bytes", new byte[] {4, 5}).body(utf8("{\"a\":1}")).build();

            Message back = AmqpToCore.convert(CoreToAmqp.encode(original, 0, NOW), NOW, "u").message();

            assertThat(back.durable()).isTrue();
            assertThat(back.priority()).isEqualTo(2);
            assertThat(back.timestamp()).isEqualTo(NOW - 10);
            assertThat(back.expiration()).isEqualTo(NOW + 10_000);
            assertThat(back.messageId()).isEqualTo("m");
            assertThat(back.correlationId()).isEqualTo("c");
            assertThat(back.replyTo()).isEqualTo("r");
            assertThat(back.subject()).isEqualTo("s");
            assertThat(back.groupId()).isEqualTo("g");
            assertThat(back.contentType()).isEqualTo("application/json");
            assertThat(back.contentEncoding()).isEqualTo("utf-8");
            assertThat(back.body()).isEqualTo(original.body());
            props.forEach((k, v) -> assertThat(back.property(k)).as(k).isEqualTo(v));
            assertThat((byte[]) back.property("bytes")).containsExactly(4, 5);
        }

        @Test
        void textFromAnotherProtocolSurvivesAmqpAndBack() {
            Message original = Message.builder().contentType("text/plain;charset=utf-8").body(utf8("\u00fcber")).build();
            Message back = AmqpToCore.convert(CoreToAmqp.encode(original, 0, NOW), NOW, "u").message();
            assertThat(back.body()).isEqualTo(utf8("\u00fcber"));
            assertThat(back.contentType()).isEqualTo("text/plain;charset=utf-8");
        }

        @Test
        void everyBodySectionSurvivesTheCoreAndBack() {
            List<Object[]> bodies = new ArrayList<>();
            bodies.add(new Object[] {new Data(new Binary(new byte[] {0, (byte) 0x80, (byte) 0xFF}))});
            bodies.add(new Object[] {new AmqpValue("text")});
            bodies.add(new Object[] {new AmqpValue(Map.of("k", "v", "n", 1L))});
            bodies.add(new Object[] {new AmqpValue(List.of("a", 1))});
            bodies.add(new Object[] {new AmqpSequence(List.of("x")), new AmqpSequence(List.of("y"))});
            for (Object[] body : bodies) {
                Object[] sections = new Object[body.length + 2];
                sections[0] = new Header();
                Properties p = new Properties();
                p.setMessageId("id");
                sections[1] = p;
                System.arraycopy(body, 0, sections, 2, body.length);
                Message viaCore = AmqpToCore.convert(encode(sections), NOW, "u").message();
                // As another protocol would hand it back: without the AMQP original.
                Message rebuilt = viaCore.toBuilder().nativeForm(null).build();
                AmqpSections s = fromCore(rebuilt);
                assertThat(s.body.stream().map(AmqpMessageConversionTest::encode).toList()).as(Arrays.toString(body))
                        .containsExactlyElementsOf(Arrays.stream(body).map(AmqpMessageConversionTest::encode).toList());
                assertThat(s.properties.getMessageId()).isEqualTo("id");
            }
        }
    }

    @Test
    void topicAndTemporaryTopicDestinationTypesAreTopics() {
        assertThat(JmsMapping.isTopic(JmsMapping.QUEUE)).isFalse();
        assertThat(JmsMapping.isTopic(JmsMapping.TOPIC)).isTrue();
        assertThat(JmsMapping.isTopic(JmsMapping.TEMP_QUEUE)).isFalse();
        assertThat(JmsMapping.isTopic(JmsMapping.TEMP_TOPIC)).isTrue();
        assertThat(JmsMapping.isTopic(null)).isFalse();
        assertThat(JmsMapping.isTopic("1")).isFalse();
    }
}
