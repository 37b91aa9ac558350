package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.FieldCodec;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.transport.BrokerVersion;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** connection.start's server properties and the SASL mechanisms' responses (PLAIN, AMQPLAIN). */
final class ConnectionHandshake {

    static final String MECHANISMS = "PLAIN AMQPLAIN";
    /** RFC 4422 appendix A: the identity a TLS client certificate established; offered only with one. */
    static final String EXTERNAL = "EXTERNAL";

    private ConnectionHandshake() {
    }

    /** connection.start, with the capabilities RabbitMQ clients look for before they use an extension. */
    static Method start() {
        return start(false);
    }

    /** connection.start, offering EXTERNAL first when the connection has a TLS client certificate for a user. */
    static Method start(boolean external) {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        capabilities.put("publisher_confirms", true);
        capabilities.put("exchange_exchange_bindings", true);
        capabilities.put("basic.nack", true);
        capabilities.put("consumer_cancel_notify", true);
        capabilities.put("connection.blocked", true);
        capabilities.put("per_consumer_qos", true);
        capabilities.put("authentication_failure_close", true);
        capabilities.put("direct_reply_to", true);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("capabilities", capabilities);
        props.put("product", "FerryMQ");
        props.put("version", BrokerVersion.text());
        props.put("platform", "Java " + Runtime.version().feature());
        props.put("cluster_name", "ferrymq");
        props.put("information", "AMQP 0-9-1 adapter of FerryMQ");
        return new Method(MethodSpec.CONNECTION_START, 0, 9, props,
                mechanisms(external).getBytes(StandardCharsets.UTF_8), "en_US".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The user name and password in a start-ok response.
     *
     * @throws AmqpFrameException 403 ACCESS_REFUSED for a malformed response, 503 for an unknown mechanism
     */
    static String[] credentials(String mechanism, byte[] response) {
        return credentials(mechanism, response, false);
    }

    /** As {@link #credentials(String, byte[])}, where EXTERNAL (no user name, no password) was offered or not. */
    static String[] credentials(String mechanism, byte[] response, boolean external) {
        return switch (mechanism) {
            case "PLAIN" -> plain(response);
            case "AMQPLAIN" -> amqplain(response);
            case EXTERNAL -> {
                if (!external) {
                    throw new AmqpFrameException(ReplyCodes.ACCESS_REFUSED, "EXTERNAL needs a TLS client "
                            + "certificate that maps to a broker user; this connection has none");
                }
                yield new String[] {null, null};
            }
            default -> throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "unknown authentication mechanism '"
                    + mechanism + "'; this broker offers " + mechanisms(external));
        };
    }

    private static String mechanisms(boolean external) {
        return external ? EXTERNAL + " " + MECHANISMS : MECHANISMS;
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd. */
    private static String[] plain(byte[] response) {
        String s = new String(response, StandardCharsets.UTF_8);
        int first = s.indexOf('\0');
        int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
        if (second < 0) {
            throw new AmqpFrameException(ReplyCodes.ACCESS_REFUSED, "PLAIN response is not"
                    + " 'authzid NUL user NUL password'");
        }
        return new String[] {s.substring(first + 1, second), s.substring(second + 1)};
    }

    /** A field table's fields (without its length, as RabbitMQ reads it) with LOGIN and PASSWORD. */
    private static String[] amqplain(byte[] response) {
        Map<String, Object> fields;
        try {
            fields = FieldCodec.readTableFields(Unpooled.wrappedBuffer(response));
        } catch (RuntimeException e) {
            throw new AmqpFrameException(ReplyCodes.ACCESS_REFUSED, "AMQPLAIN response is not a field table");
        }
        Object login = fields.get("LOGIN");
        Object password = fields.get("PASSWORD");
        if (login == null || password == null) {
            throw new AmqpFrameException(ReplyCodes.ACCESS_REFUSED, "AMQPLAIN response lacks LOGIN or PASSWORD");
        }
        return new String[] {text(login), text(password)};
    }

    private static String text(Object v) {
        return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }
}
