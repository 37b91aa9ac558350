package io.ferrymq.aws.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Renders an action's result (the JSON protocol's shape) as the Query protocol's XML. SQS flattens its
 * lists and maps under element names of their own; SNS wraps lists in {@code member} and maps in
 * {@code entry} elements.
 */
public final class XmlOutput {

    /** How one JSON field is written. */
    public record Shape(Style style, String element, String keyName, String valueName) {
        public static Shape flatList(String element) {
            return new Shape(Style.FLAT_LIST, element, null, null);
        }

        public static Shape flatMap(String element, String key, String value) {
            return new Shape(Style.FLAT_MAP, element, key, value);
        }

        public static Shape entryMap() {
            return new Shape(Style.ENTRY_MAP, "entry", "key", "value");
        }
    }

    public enum Style { FLAT_LIST, FLAT_MAP, ENTRY_MAP }

    public static final Map<String, Shape> SQS_SHAPES = Map.ofEntries(
            Map.entry("QueueUrls", Shape.flatList("QueueUrl")),
            Map.entry("queueUrls", Shape.flatList("QueueUrl")),
            Map.entry("Attributes", Shape.flatMap("Attribute", "Name", "Value")),
            Map.entry("Messages", Shape.flatList("Message")),
            Map.entry("MessageAttributes", Shape.flatMap("MessageAttribute", "Name", "Value")),
            Map.entry("Failed", Shape.flatList("BatchResultErrorEntry")),
            Map.entry("Tags", Shape.flatMap("Tag", "Key", "Value")),
            Map.entry("Results", Shape.flatList("ListMessageMoveTasksResultEntry")),
            Map.entry("StringListValues", Shape.flatList("StringListValue")),
            Map.entry("BinaryListValues", Shape.flatList("BinaryListValue")));

    public static final Map<String, Shape> SNS_SHAPES = Map.of(
            "Attributes", Shape.entryMap());

    private XmlOutput() {
    }

    /**
     * The whole response document.
     *
     * @param successfulElement the element name of batch results' {@code Successful} entries (SQS)
     */
    public static String document(String action, String namespace, JsonNode result, Map<String, Shape> shapes,
                                  String successfulElement, String requestId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\"?><").append(action).append("Response xmlns=\"").append(namespace).append("\">");
        if (result != null) {
            sb.append('<').append(action).append("Result>");
            fields(sb, result, shapes, successfulElement);
            sb.append("</").append(action).append("Result>");
        }
        sb.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata></")
                .append(action).append("Response>");
        return sb.toString();
    }

    public static String error(String namespace, AwsError e, String requestId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"").append(namespace).append("\"><Error><Type>")
                .append(e.senderFault() ? "Sender" : "Receiver").append("</Type><Code>");
        escape(sb, e.code());
        sb.append("</Code><Message>");
        escape(sb, e.getMessage());
        sb.append("</Message><Detail/></Error><RequestId>").append(requestId).append("</RequestId></ErrorResponse>");
        return sb.toString();
    }

    private static void fields(StringBuilder sb, JsonNode obj, Map<String, Shape> shapes, String successfulElement) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            field(sb, f.getKey(), f.getValue(), shapes, successfulElement);
        }
    }

    private static void field(StringBuilder sb, String name, JsonNode v, Map<String, Shape> shapes,
                              String successfulElement) {
        if (v == null || v.isNull()) {
            return;
        }
        Shape shape = shapes.get(name);
        if (shape == null && "Successful".equals(name) && successfulElement != null) {
            shape = Shape.flatList(successfulElement);
        }
        if (v.isArray()) {
            if (shape != null && shape.style() == Style.FLAT_LIST) {
                for (JsonNode item : v) {
                    element(sb, shape.element(), item, shapes, successfulElement);
                }
            } else {
                sb.append('<').append(name).append('>');
                for (JsonNode item : v) {
                    element(sb, "member", item, shapes, successfulElement);
                }
                sb.append("</").append(name).append('>');
            }
            return;
        }
        if (v.isObject() && shape != null && shape.style() != Style.FLAT_LIST) {
            boolean wrapped = shape.style() == Style.ENTRY_MAP;
            if (wrapped) {
                sb.append('<').append(name).append('>');
            }
            Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append('<').append(shape.element()).append("><").append(shape.keyName()).append('>');
                escape(sb, e.getKey());
                sb.append("</").append(shape.keyName()).append('>');
                element(sb, shape.valueName(), e.getValue(), shapes, successfulElement);
                sb.append("</").append(shape.element()).append('>');
            }
            if (wrapped) {
                sb.append("</").append(name).append('>');
            }
            return;
        }
        element(sb, name, v, shapes, successfulElement);
    }

    private static void element(StringBuilder sb, String name, JsonNode v, Map<String, Shape> shapes,
                                String successfulElement) {
        sb.append('<').append(name).append('>');
        if (v.isObject()) {
            fields(sb, v, shapes, successfulElement);
        } else if (!v.isNull()) {
            escape(sb, v.asText());
        }
        sb.append("</").append(name).append('>');
    }

    /**
     * XML-escapes text; carriage returns are written as references so that parsers keep them. Characters XML 1.0
     * cannot carry at all (control characters, unpaired surrogates) become U+FFFD so that the answer stays a
     * parseable document; message bodies never meet this, as SQS shows bodies with such characters in base64.
     */
    public static void escape(StringBuilder sb, String s) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
                continue;
            }
            if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                sb.append('\uFFFD');
                continue;
            }
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\r' -> sb.append("&#xD;");
                default -> sb.append(c);
            }
        }
    }
}
