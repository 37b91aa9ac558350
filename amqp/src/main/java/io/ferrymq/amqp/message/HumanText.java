package io.ferrymq.amqp.message;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error descriptions as a client's user reads them: no Java exception class names (which say nothing to a
 * person and expose the broker's insides), and AMQP type names rather than Java ones for values.
 */
public final class HumanText {

    /** An exception's class name with its colon, as {@code Throwable.toString()} writes it. */
    private static final Pattern EXCEPTION_NAME =
            Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");
    /** Any other fully qualified class name, for example in a failed cast. */
    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b(?:class\\s+)?(?:[a-z_$][\\w$]*\\.){2,}([A-Z][\\w$]*)\\b");

    private HumanText() {
    }

    /**
     * The description without exception class names; {@code fallback} when nothing meaningful is left (an
     * exception without a message).
     */
    public static String of(String description, String fallback) {
        if (description == null) {
            return fallback;
        }
        String text = EXCEPTION_NAME.matcher(description).replaceAll("");
        Matcher m = QUALIFIED_NAME.matcher(text);
        text = m.replaceAll("$1").trim();
        if (text.endsWith(":")) {
            text = text.substring(0, text.length() - 1).trim();
        }
        if (text.isEmpty()) {
            return fallback;
        }
        return text;
    }

    /** What a value is, in AMQP 1.0's terms: "a map", "a list", "binary data", "an amqp-value section". */
    public static String typeOf(Object value) {
        if (value == null) {
            return "a null value";
        }
        return switch (value.getClass().getSimpleName()) {
            case "Header" -> "a header section";
            case "DeliveryAnnotations" -> "a delivery-annotations section";
            case "MessageAnnotations" -> "a message-annotations section";
            case "Properties" -> "a properties section";
            case "ApplicationProperties" -> "an application-properties section";
            case "Data" -> "a data section";
            case "AmqpSequence" -> "an amqp-sequence section";
            case "AmqpValue" -> "an amqp-value section";
            case "Footer" -> "a footer section";
            default -> valueType(value);
        };
    }

    private static String valueType(Object value) {
        if (value instanceof java.util.Map) {
            return "a map";
        }
        if (value instanceof java.util.List) {
            return "a list";
        }
        if (value.getClass().isArray()) {
            return "an array";
        }
        if (value instanceof org.apache.qpid.proton.amqp.Binary) {
            return "binary data";
        }
        if (value instanceof org.apache.qpid.proton.amqp.DescribedType) {
            return "a described type";
        }
        if (value instanceof org.apache.qpid.proton.amqp.Symbol) {
            return "a symbol";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number || value instanceof org.apache.qpid.proton.amqp.UnsignedLong) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a value of another AMQP type";
    }
}
