package io.ferrymq.aws.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the Query protocol's flattened form parameters ({@code Attribute.1.Name=...},
 * {@code Attributes.entry.1.key=...}, {@code Tags.member.1.Key=...}) into the same JSON tree the JSON
 * protocol sends, so that every action handler reads one shape.
 */
public final class QueryInput {

    /** How a flattened Query name appears in the JSON shape. */
    public enum Kind { LIST, MAP_NAME_VALUE, MAP_KEY_VALUE }

    public record Rule(String jsonName, Kind kind) { }

    /** SQS's flattened names (its Query model uses locationName + flattened lists and maps). */
    public static final Map<String, Rule> SQS = Map.ofEntries(
            Map.entry("Attribute", new Rule("Attributes", Kind.MAP_NAME_VALUE)),
            Map.entry("MessageAttribute", new Rule("MessageAttributes", Kind.MAP_NAME_VALUE)),
            Map.entry("MessageSystemAttribute", new Rule("MessageSystemAttributes", Kind.MAP_NAME_VALUE)),
            Map.entry("Tag", new Rule("tags", Kind.MAP_KEY_VALUE)),
            Map.entry("AttributeName", new Rule("AttributeNames", Kind.LIST)),
            Map.entry("MessageAttributeName", new Rule("MessageAttributeNames", Kind.LIST)),
            Map.entry("MessageSystemAttributeName", new Rule("MessageSystemAttributeNames", Kind.LIST)),
            Map.entry("SendMessageBatchRequestEntry", new Rule("Entries", Kind.LIST)),
            Map.entry("DeleteMessageBatchRequestEntry", new Rule("Entries", Kind.LIST)),
            Map.entry("ChangeMessageVisibilityBatchRequestEntry", new Rule("Entries", Kind.LIST)),
            Map.entry("TagKey", new Rule("TagKeys", Kind.LIST)),
            Map.entry("AWSAccountId", new Rule("AWSAccountIds", Kind.LIST)),
            Map.entry("ActionName", new Rule("Actions", Kind.LIST)),
            Map.entry("StringListValue", new Rule("StringListValues", Kind.LIST)),
            Map.entry("BinaryListValue", new Rule("BinaryListValues", Kind.LIST)));

    /** SNS uses the non-flattened forms ({@code .member.N}, {@code .entry.N}), which need no rules. */
    public static final Map<String, Rule> SNS = Map.of();

    private QueryInput() {
    }

    public static ObjectNode toJson(Map<String, String> form, Map<String, Rule> rules) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : form.entrySet()) {
            String[] parts = e.getKey().split("\\.", -1);
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = node.get(parts[i]);
                if (!(child instanceof Map)) {
                    child = new LinkedHashMap<String, Object>();
                    node.put(parts[i], child);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) child;
                node = m;
            }
            node.putIfAbsent(parts[parts.length - 1], e.getValue());
        }
        return object(root, rules);
    }

    private static ObjectNode object(Map<String, Object> node, Map<String, Rule> rules) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> e : node.entrySet()) {
            Rule rule = rules.get(e.getKey());
            String name = rule == null ? e.getKey() : rule.jsonName();
            out.set(name, value(e.getValue(), rule, rules));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static JsonNode value(Object v, Rule rule, Map<String, Rule> rules) {
        if (!(v instanceof Map)) {
            return JsonNodeFactory.instance.textNode((String) v);
        }
        Map<String, Object> m = (Map<String, Object>) v;
        if (rule != null) {
            return switch (rule.kind()) {
                case LIST -> list(indexed(m), rules);
                case MAP_NAME_VALUE -> map(indexed(m), "Name", "Value", rules);
                case MAP_KEY_VALUE -> map(indexed(m), "Key", "Value", rules);
            };
        }
        if (m.size() == 1 && m.get("member") instanceof Map) {
            return list(indexed((Map<String, Object>) m.get("member")), rules);
        }
        if (m.size() == 1 && m.get("entry") instanceof Map) {
            List<Object> entries = indexed((Map<String, Object>) m.get("entry"));
            boolean lower = !entries.isEmpty() && entries.get(0) instanceof Map<?, ?> first && first.containsKey("key");
            return lower ? map(entries, "key", "value", rules) : map(entries, "Name", "Value", rules);
        }
        if (!m.isEmpty() && m.keySet().stream().allMatch(QueryInput::isIndex)) {
            return list(indexed(m), rules);
        }
        return object(m, rules);
    }

    private static ArrayNode list(List<Object> items, Map<String, Rule> rules) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Object item : items) {
            a.add(value(item, null, rules));
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    private static ObjectNode map(List<Object> entries, String keyName, String valueName, Map<String, Rule> rules) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Object entry : entries) {
            if (!(entry instanceof Map)) {
                continue;
            }
            Map<String, Object> e = (Map<String, Object>) entry;
            Object k = e.get(keyName);
            if (k instanceof String key) {
                Object val = e.get(valueName);
                o.set(key, val == null ? JsonNodeFactory.instance.nullNode() : value(val, null, rules));
            }
        }
        return o;
    }

    /** Children with numeric keys in numeric order (Query lists start at 1 but we do not insist). */
    private static List<Object> indexed(Map<String, Object> m) {
        TreeMap<Integer, Object> sorted = new TreeMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (isIndex(e.getKey())) {
                sorted.put(Integer.parseInt(e.getKey()), e.getValue());
            }
        }
        return new ArrayList<>(sorted.values());
    }

    private static boolean isIndex(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
