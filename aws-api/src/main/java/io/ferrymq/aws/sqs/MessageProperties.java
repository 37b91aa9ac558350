package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.core.message.Message;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Message attributes as core message properties, so that every protocol sees them: strings as strings,
 * numbers as numbers, binary as bytes. The exact SQS data types (custom suffixes) and the original
 * spelling of numbers are kept in one hidden property, so a message read back through SQS has the
 * attributes it was sent with, byte for byte, and the same MD5.
 */
public final class MessageProperties {

    /** Hidden: attribute name to {@code [dataType, originalNumberText]}. */
    public static final String TYPES = "aws.attribute-types";
    /** The attribute that carries a message's content type across protocols (STOMP's header name). */
    public static final String CONTENT_TYPE = "content-type";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,256}");

    private MessageProperties() {
    }

    /** Properties the broker or this module keeps for itself, never shown as attributes. */
    public static boolean hidden(String name) {
        return name.startsWith("aws.") || name.startsWith("x-death") || name.startsWith("x-first-death")
                || name.equals("x-delivery-count");
    }

    /** Parses {@code {"DataType":..,"StringValue":..,"BinaryValue":..}} (Binary in base64). */
    public static AttributeValue parse(String name, JsonNode v) {
        if (v == null || !v.isObject()) {
            throw SqsErrors.invalidParameterValue("The message attribute '" + name
                    + "' must contain non-empty message attribute value.");
        }
        String type = text(v, "DataType");
        String s = text(v, "StringValue");
        String b64 = text(v, "BinaryValue");
        byte[] bin = null;
        if (b64 != null) {
            try {
                bin = Base64.getMimeDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw SqsErrors.invalidParameterValue("The message attribute '" + name
                        + "' has a BinaryValue that is not valid base64.");
            }
        }
        return new AttributeValue(type == null ? "" : type, s, bin);
    }

    private static String text(JsonNode v, String field) {
        JsonNode f = v.get(field);
        if (f != null && !f.isNull() && !f.isTextual()) {
            throw io.ferrymq.aws.wire.Inputs.wrongType(field, "a string", f);
        }
        return f == null || f.isNull() ? null : f.asText();
    }

    public static Map<String, AttributeValue> parseMap(JsonNode map) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        if (map != null && map.isObject()) {
            map.properties().forEach(e -> out.put(e.getKey(), parse(e.getKey(), e.getValue())));
        }
        return out;
    }

    /** SQS's checks of user attributes, with its wording. */
    public static void validate(Map<String, AttributeValue> attrs) {
        if (attrs.size() > 10) {
            throw SqsErrors.invalidParameterValue("Number of message attributes [" + attrs.size()
                    + "] exceeds the allowed maximum [10].");
        }
        for (Map.Entry<String, AttributeValue> e : attrs.entrySet()) {
            String name = e.getKey();
            validateName(name);
            AttributeValue v = e.getValue();
            if (v.dataType().isEmpty()) {
                throw SqsErrors.invalidParameterValue("The message attribute '" + name
                        + "' must contain non-empty message attribute type.");
            }
            if (v.dataType().length() > 256) {
                throw SqsErrors.invalidParameterValue("Message (user) attribute types must be shorter than 256 Bytes");
            }
            String base = v.dataType().split("\\.", 2)[0];
            boolean custom = v.dataType().contains(".");
            if (!(base.equals("String") || base.equals("Number") || base.equals("Binary"))
                    || (custom && v.dataType().length() <= base.length() + 1)) {
                throw SqsErrors.invalidParameterValue("The type of message (user) attribute '" + name
                        + "' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }
            if (base.equals("Binary")) {
                if (v.binaryValue() == null || v.binaryValue().length == 0) {
                    throw SqsErrors.invalidParameterValue("The message attribute '" + name
                            + "' must contain non-empty message attribute value for message attribute type 'Binary'.");
                }
            } else {
                if (v.stringValue() == null || v.stringValue().isEmpty()) {
                    throw SqsErrors.invalidParameterValue("The message attribute '" + name
                            + "' must contain non-empty message attribute value for message attribute type '" + base + "'.");
                }
                if (base.equals("Number")) {
                    checkNumber(name, v.stringValue());
                } else {
                    String bad = SqsMessages.invalidCharacter(v.stringValue());
                    if (bad != null) {
                        throw SqsErrors.invalidParameterValue("Message (user) attribute '" + name + "' contains invalid"
                                + " character " + bad + ".");
                    }
                }
            }
        }
    }

    private static void validateName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw SqsErrors.invalidParameterValue("Message (user) attribute name '" + name + "' is invalid. The name"
                    + " can contain alphanumeric characters, hyphens, underscores, and periods, and be 1 to 256 characters.");
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("aws.") || lower.startsWith("amazon.")) {
            throw SqsErrors.invalidParameterValue("You can't use message attribute names beginning with 'AWS.' or"
                    + " 'Amazon.'. These strings are reserved for internal use.");
        }
        if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            throw SqsErrors.invalidParameterValue("Message (user) attribute name '" + name + "' can't start or end"
                    + " with a period (.), or contain two periods in a row.");
        }
    }

    private static void checkNumber(String name, String text) {
        try {
            BigDecimal d = new BigDecimal(text.trim());
            if (d.precision() > 38 || (d.signum() != 0 && (d.precision() - d.scale() - 1 > 126
                    || d.precision() - d.scale() - 1 < -128))) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw SqsErrors.invalidParameterValue("Can't cast the value of message (user) attribute '" + name
                    + "' to a number.");
        }
    }

    /** Sets the attributes as properties (and their exact types in the hidden property). */
    public static void write(Message.Builder b, Map<String, AttributeValue> attrs) {
        if (attrs.isEmpty()) {
            return;
        }
        ObjectNode types = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, AttributeValue> e : attrs.entrySet()) {
            AttributeValue v = e.getValue();
            ArrayNode t = types.putArray(e.getKey()).add(v.dataType());
            if (v.binary()) {
                b.property(e.getKey(), v.binaryValue());
            } else if (v.number()) {
                b.property(e.getKey(), numeric(v.stringValue()));
                t.add(v.stringValue());
            } else {
                b.property(e.getKey(), v.stringValue());
            }
        }
        b.property(TYPES, types.toString());
    }

    /** A number as the core keeps it: a Long when whole and in range, else a Double, else the text. */
    public static Object numeric(String text) {
        String s = text.trim();
        try {
            BigDecimal d = new BigDecimal(s);
            try {
                return d.longValueExact();
            } catch (ArithmeticException notWhole) {
                double x = d.doubleValue();
                return Double.isFinite(x) ? x : s;
            }
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /**
     * The content type of a message sent through SQS or SNS: its String attribute {@value #CONTENT_TYPE} when it
     * has one (so a STOMP or AMQP consumer sees what the sender meant), otherwise text.
     */
    public static String contentType(Map<String, AttributeValue> attrs) {
        AttributeValue v = attrs.get(CONTENT_TYPE);
        if (v != null && v.stringValue() != null && v.dataType().startsWith("String")) {
            return v.stringValue();
        }
        return SqsBody.TEXT_CONTENT_TYPE;
    }

    /**
     * The message's attributes as SQS shows them, from its properties. A message from another protocol also
     * shows its content type as the attribute {@value #CONTENT_TYPE}; one sent through SQS or SNS shows exactly
     * the attributes it was sent with.
     */
    public static Map<String, AttributeValue> read(Message m) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        JsonNode types = null;
        Object t = m.property(TYPES);
        if (t instanceof String s) {
            try {
                types = JSON.readTree(s);
            } catch (java.io.IOException e) {
                types = null;
            }
        }
        for (Map.Entry<String, Object> p : m.properties().entrySet()) {
            String name = p.getKey();
            Object v = p.getValue();
            if (hidden(name) || v == null || !NAME.matcher(name).matches()) {
                continue;
            }
            JsonNode type = types == null ? null : types.get(name);
            if (type != null && type.isArray() && type.size() >= 1) {
                String dataType = type.get(0).asText();
                if (v instanceof byte[] bytes) {
                    out.put(name, new AttributeValue(dataType, null, bytes));
                } else {
                    String text = type.size() > 1 ? type.get(1).asText() : String.valueOf(v);
                    out.put(name, new AttributeValue(dataType, text, null));
                }
                continue;
            }
            if (v instanceof byte[] bytes) {
                out.put(name, new AttributeValue("Binary", null, bytes));
            } else if (v instanceof Number n) {
                out.put(name, new AttributeValue("Number", numberText(n), null));
            } else {
                String text = String.valueOf(v);
                if (!text.isEmpty()) {
                    out.put(name, new AttributeValue("String", text, null));
                }
            }
        }
        if (t == null && m.contentType() != null && !out.containsKey(CONTENT_TYPE)) {
            out.put(CONTENT_TYPE, new AttributeValue("String", m.contentType(), null));
        }
        return out;
    }

    private static String numberText(Number n) {
        if (n instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (n instanceof Float f) {
            return new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
        }
        return n.toString();
    }

    /** The SQS output shape: name to {@code {StringValue|BinaryValue, DataType}}. */
    public static ObjectNode toJson(Map<String, AttributeValue> attrs) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, AttributeValue> e : attrs.entrySet()) {
            ObjectNode v = o.putObject(e.getKey());
            AttributeValue a = e.getValue();
            if (a.binaryValue() != null) {
                v.put("BinaryValue", Base64.getEncoder().encodeToString(a.binaryValue()));
            } else {
                v.put("StringValue", a.stringValue());
            }
            v.put("DataType", a.dataType());
        }
        return o;
    }

    public static AwsError tooLarge(long max) {
        return SqsErrors.invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter"
                + " than " + max + " bytes.");
    }
}
