package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.netty.handler.codec.mqtt.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageMappingTest {

    private static MqttProperties withFormat(int indicator, String contentType) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, indicator));
        if (contentType != null) {
            p.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, contentType));
        }
        return p;
    }

    private static Message fromOtherProtocol(String contentType, byte[] body) {
        return Message.builder().contentType(contentType).body(body).build();
    }

    @Test
    void aPayloadMarkedAsUtf8IsTextToOtherProtocolsAndReachesMqttSubscribersUnaltered() {
        Message m = MessageMapping.fromPublish("a/b", "hi".getBytes(StandardCharsets.UTF_8), 1, false,
                withFormat(1, null), 0, "guest");
        assertThat(m.contentType()).isEqualTo("text/plain; charset=utf-8");

        MqttProperties out = MessageMapping.properties(m, 0, List.of());
        assertThat(out.getProperty(MqttProperties.CONTENT_TYPE)).as("no content type the publisher did not send").isNull();
        assertThat(MessageMapping.intProperty(out, MqttProperties.PAYLOAD_FORMAT_INDICATOR)).isEqualTo(1);
    }

    @Test
    void thePublishersOwnContentTypeWinsOverTheImpliedOne() {
        Message m = MessageMapping.fromPublish("a/b", "{}".getBytes(StandardCharsets.UTF_8), 1, false,
                withFormat(1, "application/json"), 0, "guest");
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(MessageMapping.stringProperty(MessageMapping.properties(m, 0, List.of()), MqttProperties.CONTENT_TYPE))
                .isEqualTo("application/json");
    }

    @Test
    void anUnspecifiedPayloadImpliesNoContentType() {
        Message m = MessageMapping.fromPublish("a/b", new byte[] {1, 2}, 1, false, withFormat(0, null), 0, "guest");
        assertThat(m.contentType()).isNull();
        assertThat(MessageMapping.intProperty(MessageMapping.properties(m, 0, List.of()),
                MqttProperties.PAYLOAD_FORMAT_INDICATOR)).isZero();
    }

    @Test
    void utf8TextFromAnotherProtocolIsMarkedAsUtf8ForMqtt5() {
        byte[] text = "grüße".getBytes(StandardCharsets.UTF_8);
        assertThat(indicatorFor(fromOtherProtocol("text/plain", text))).isEqualTo(1);
        assertThat(indicatorFor(fromOtherProtocol("text/plain; charset=UTF-8", text))).isEqualTo(1);
        assertThat(indicatorFor(fromOtherProtocol("TEXT/xml;charset=\"utf-8\"", text))).isEqualTo(1);
    }

    @Test
    void bytesThatAreNotUtf8TextAreNotMarked() {
        assertThat(indicatorFor(fromOtherProtocol("text/plain; charset=iso-8859-1",
                "abc".getBytes(StandardCharsets.ISO_8859_1)))).isNull();
        assertThat(indicatorFor(fromOtherProtocol("text/plain", new byte[] {(byte) 0xC3, 0x28}))).isNull();
        assertThat(indicatorFor(fromOtherProtocol("application/octet-stream", new byte[] {'a'}))).isNull();
        assertThat(indicatorFor(fromOtherProtocol(null, new byte[] {'a'}))).isNull();
    }

    private static Integer indicatorFor(Message m) {
        return MessageMapping.intProperty(MessageMapping.properties(m, 0, List.of()), MqttProperties.PAYLOAD_FORMAT_INDICATOR);
    }
}
