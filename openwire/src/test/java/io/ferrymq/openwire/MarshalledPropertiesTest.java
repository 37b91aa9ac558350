package io.ferrymq.openwire;

import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MarshalledPropertiesTest {

    /** The properties as the producer's client marshals them. */
    private static ByteSequence marshalled(Map<String, Object> properties) throws Exception {
        ActiveMQMessage m = new ActiveMQBytesMessage();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            m.setObjectProperty(e.getKey(), e.getValue());
        }
        m.beforeMarshall(null);
        return m.getMarshalledProperties();
    }

    private static Map<String, Object> asMap(List<Map.Entry<String, Object>> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    @Test
    void readsEveryPrimitiveTypeAsActivemqClientDoes() throws Exception {
        Map<String, Object> sent = new HashMap<>();
        sent.put("flag", true);
        sent.put("byte", (byte) -3);
        sent.put("short", (short) 1234);
        sent.put("int", -7);
        sent.put("long", 1L << 40);
        sent.put("float", 1.5f);
        sent.put("double", -2.25d);
        sent.put("text", "eu-west");
        sent.put("empty", "");

        List<Map.Entry<String, Object>> read = MarshalledProperties.read(marshalled(sent));

        assertThat(read).isNotNull();
        assertThat(asMap(read)).isEqualTo(sent);
    }

    @Test
    void leavesTextBeyondAsciiToActivemqClient() throws Exception {
        assertThat(MarshalledProperties.read(marshalled(Map.of("region", "grüße")))).isNull();
        assertThat(MarshalledProperties.read(marshalled(Map.of("größe", "x")))).isNull();
    }

    @Test
    void leavesNestedAndByteArrayValuesToActivemqClient() throws Exception {
        ActiveMQMessage m = new ActiveMQBytesMessage();
        m.setProperty("nested", Map.of("a", 1));
        m.beforeMarshall(null);
        assertThat(MarshalledProperties.read(m.getMarshalledProperties())).isNull();
    }

    @Test
    void refusesTruncatedOrOverlongMaps() throws Exception {
        ByteSequence whole = marshalled(Map.of("k", 42, "t", "v"));
        byte[] cut = java.util.Arrays.copyOf(whole.getData(), whole.getLength() - 1);
        assertThat(MarshalledProperties.read(new ByteSequence(cut))).isNull();
        byte[] longer = java.util.Arrays.copyOf(whole.getData(), whole.getLength() + 1);
        assertThat(MarshalledProperties.read(new ByteSequence(longer))).isNull();
        assertThat(MarshalledProperties.read(new ByteSequence(new byte[] {0, 0, 0, 9}))).isNull();
        assertThat(MarshalledProperties.read(null)).isNull();
    }

    @Test
    void anEmptyMapHasNoProperties() throws Exception {
        assertThat(MarshalledProperties.read(new ByteSequence(new byte[] {0, 0, 0, 0}))).isEmpty();
    }
}
