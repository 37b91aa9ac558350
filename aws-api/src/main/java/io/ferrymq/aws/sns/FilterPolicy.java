package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.sqs.MessageProperties;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Message;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SNS subscription filter policies, compiled once and evaluated per message: on message attributes
 * (language {@code sns}) or on the JSON message body (language {@code sns-body}). Operators: exact
 * strings, numbers, booleans and null; {@code prefix}, {@code suffix}, {@code equals-ignore-case},
 * {@code anything-but} (values, or a prefix/suffix/equals-ignore-case), {@code numeric} ranges,
 * {@code exists}, {@code cidr}, and {@code $or}. AWS's limits apply: at most 5 keys, at most 150
 * combinations of values, at most 5 levels of nesting, numbers within ±1e9.
 */
public final class FilterPolicy implements MessageFilter {

    public static final String ATTRIBUTES = "sns";
    public static final String BODY = "sns-body";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEYS = 5;
    private static final int MAX_COMBINATIONS = 150;
    private static final int MAX_DEPTH = 5;
    private static final BigDecimal NUMERIC_LIMIT = new BigDecimal("1000000000");

    /** One node of the policy: all keys must match (AND); a key's conditions are alternatives (OR). */
    private record Node(Map<String, Object> keys, List<Node> or) { }

    private sealed interface Condition permits Exact, Prefix, Suffix, IgnoreCase, AnythingBut, Numeric, Exists, Cidr { }

    private record Exact(Object value) implements Condition { }

    private record Prefix(String prefix) implements Condition { }

    private record Suffix(String suffix) implements Condition { }

    /** Any of the values, ignoring case (one for the operator itself, several under anything-but). */
    private record IgnoreCase(List<String> values) implements Condition { }

    private record AnythingBut(List<Object> values, Condition inner) implements Condition { }

    private record Numeric(List<String> ops, List<BigDecimal> bounds) implements Condition { }

    private record Exists(boolean present) implements Condition { }

    private record Cidr(byte[] network, int bits) implements Condition { }

    private final String language;
    private final String expression;
    private final Node root;

    private FilterPolicy(String language, String expression, Node root) {
        this.language = language;
        this.expression = expression;
        this.root = root;
    }

    /**
     * Compiles a policy.
     *
     * @throws IllegalArgumentException with AWS's explanation (the caller prefixes "Invalid parameter: FilterPolicy: ")
     */
    public static FilterPolicy compile(String language, String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("failed to parse JSON. " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("Filter policy must be a JSON object");
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("Filter policy can not be empty");
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > 256 * 1024) {
            throw new IllegalArgumentException("Filter policy is too large");
        }
        boolean body = BODY.equals(language);
        Node root = node(n, body, 1);
        if (countKeys(root) > MAX_KEYS) {
            throw new IllegalArgumentException("Filter policy can not have more than " + MAX_KEYS + " keys");
        }
        if (combinations(root) > MAX_COMBINATIONS) {
            throw new IllegalArgumentException("Filter policy is too complex");
        }
        return new FilterPolicy(language, json, root);
    }

    private static Node node(JsonNode obj, boolean body, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Filter policy can not have more than " + MAX_DEPTH + " levels of nesting");
        }
        Map<String, Object> keys = new java.util.LinkedHashMap<>();
        List<Node> or = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().equals("$or")) {
                if (!v.isArray() || v.size() < 2) {
                    throw new IllegalArgumentException("Value of $or must be an array of at least 2 objects");
                }
                for (JsonNode branch : v) {
                    if (!branch.isObject() || branch.isEmpty()) {
                        throw new IllegalArgumentException("Value of $or must be an array of at least 2 objects");
                    }
                    or.add(node(branch, body, depth));
                }
            } else if (v.isArray()) {
                keys.put(e.getKey(), conditions(e.getKey(), v));
            } else if (v.isObject()) {
                if (!body) {
                    throw new IllegalArgumentException("\"" + e.getKey() + "\" must be an object or an array");
                }
                keys.put(e.getKey(), node(v, true, depth + 1));
            } else {
                throw new IllegalArgumentException("Match value must be String, number, true, false, or null");
            }
        }
        return new Node(keys, or);
    }

    private static List<Condition> conditions(String key, JsonNode array) {
        if (array.isEmpty()) {
            throw new IllegalArgumentException("Empty arrays are not allowed");
        }
        List<Condition> out = new ArrayList<>();
        for (JsonNode c : array) {
            out.add(condition(c));
        }
        return out;
    }

    private static Condition condition(JsonNode c) {
        if (c.isTextual()) {
            return new Exact(c.asText());
        }
        if (c.isNumber()) {
            return new Exact(number(c));
        }
        if (c.isBoolean()) {
            return new Exact(c.booleanValue());
        }
        if (c.isNull()) {
            return new Exact(null);
        }
        if (!c.isObject() || c.size() != 1) {
            throw new IllegalArgumentException("Match value must be String, number, true, false, or null");
        }
        Map.Entry<String, JsonNode> op = c.properties().iterator().next();
        JsonNode v = op.getValue();
        return switch (op.getKey()) {
            case "prefix" -> new Prefix(text(v, "prefix"));
            case "suffix" -> new Suffix(text(v, "suffix"));
            case "equals-ignore-case" -> new IgnoreCase(List.of(text(v, "equals-ignore-case")));
            case "exists" -> {
                if (!v.isBoolean()) {
                    throw new IllegalArgumentException("exists match pattern must be either true or false.");
                }
                yield new Exists(v.booleanValue());
            }
            case "numeric" -> numeric(v);
            case "cidr" -> cidr(text(v, "cidr"));
            case "anything-but" -> anythingBut(v);
            default -> throw new IllegalArgumentException("Unrecognized match type " + op.getKey());
        };
    }

    private static String text(JsonNode v, String op) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(op + " match pattern must be a string");
        }
        return v.asText();
    }

    /** A string or a non-empty array of strings (anything-but's sub-operators accept both). */
    private static List<String> texts(JsonNode v, String op) {
        if (!v.isArray()) {
            return List.of(text(v, op));
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("Empty arrays are not allowed");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            out.add(text(x, op));
        }
        return out;
    }

    private static BigDecimal number(JsonNode v) {
        BigDecimal d = v.decimalValue();
        if (d.abs().compareTo(NUMERIC_LIMIT) > 0) {
            throw new IllegalArgumentException("Numeric values must be between -1.0E9 and 1.0E9 inclusive");
        }
        return d;
    }

    private static Condition anythingBut(JsonNode v) {
        if (v.isObject()) {
            if (v.size() != 1) {
                throw new IllegalArgumentException("Value of anything-but must be an array or single string/number value.");
            }
            Map.Entry<String, JsonNode> inner = v.properties().iterator().next();
            Condition c = switch (inner.getKey()) {
                case "prefix" -> new Prefix(text(inner.getValue(), "prefix"));
                case "suffix" -> new Suffix(text(inner.getValue(), "suffix"));
                case "equals-ignore-case" -> new IgnoreCase(texts(inner.getValue(), "equals-ignore-case"));
                default -> throw new IllegalArgumentException("Unsupported anything-but pattern: " + inner.getKey());
            };
            return new AnythingBut(List.of(), c);
        }
        List<Object> values = new ArrayList<>();
        if (v.isArray()) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("Empty arrays are not allowed");
            }
            for (JsonNode x : v) {
                values.add(literal(x));
            }
        } else {
            values.add(literal(v));
        }
        return new AnythingBut(values, null);
    }

    private static Object literal(JsonNode x) {
        if (x.isTextual()) {
            return x.asText();
        }
        if (x.isNumber()) {
            return number(x);
        }
        throw new IllegalArgumentException("Value of anything-but must be an array or single string/number value.");
    }

    private static Condition numeric(JsonNode v) {
        if (!v.isArray() || v.isEmpty() || v.size() > 4 || v.size() % 2 != 0) {
            throw new IllegalArgumentException("Value of numeric must be an array.");
        }
        List<String> ops = new ArrayList<>();
        List<BigDecimal> bounds = new ArrayList<>();
        for (int i = 0; i < v.size(); i += 2) {
            String op = v.get(i).asText();
            if (!List.of("=", "<", "<=", ">", ">=").contains(op)) {
                throw new IllegalArgumentException("Unrecognized numeric range operator: " + op);
            }
            if (!v.get(i + 1).isNumber()) {
                throw new IllegalArgumentException("Value of " + op + " must be numeric");
            }
            ops.add(op);
            bounds.add(number(v.get(i + 1)));
        }
        if (ops.size() == 2) {
            boolean lowerFirst = ops.get(0).startsWith(">") && ops.get(1).startsWith("<");
            if (!lowerFirst) {
                throw new IllegalArgumentException("Too many elements in numeric expression");
            }
            if (bounds.get(0).compareTo(bounds.get(1)) >= 0) {
                throw new IllegalArgumentException("Bottom must be less than top");
            }
        } else if (ops.get(0).equals("=") && v.size() > 2) {
            throw new IllegalArgumentException("Too many elements in numeric expression");
        }
        return new Numeric(ops, bounds);
    }

    private static Condition cidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("Malformed CIDR, one '/' required");
        }
        try {
            byte[] net = address(text.substring(0, slash));
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (net == null || bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("Nonstandard IP address: " + text);
            }
            return new Cidr(net, bits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Malformed CIDR, mask bits must be an integer");
        }
    }

    /** An IP literal's bytes, never resolving names; null if it is not one. */
    private static byte[] address(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int countKeys(Node n) {
        int count = 0;
        for (Object v : n.keys().values()) {
            count += v instanceof Node child ? countKeys(child) : 1;
        }
        int orMax = 0;
        for (Node b : n.or()) {
            orMax = Math.max(orMax, countKeys(b));
        }
        return count + orMax;
    }

    private static long combinations(Node n) {
        long product = 1;
        for (Object v : n.keys().values()) {
            long c = v instanceof Node child ? combinations(child) : ((List<?>) v).size();
            product = Math.min(Long.MAX_VALUE / 1024, product * Math.max(1, c));
        }
        if (!n.or().isEmpty()) {
            long sum = 0;
            for (Node b : n.or()) {
                sum += combinations(b);
            }
            product = product * sum;
        }
        return product;
    }

    // ------------------------------------------------------------------ evaluation

    @Override
    public boolean test(Message m) {
        if (BODY.equals(language)) {
            JsonNode body;
            try {
                body = JSON.readTree(m.body());
            } catch (java.io.IOException e) {
                return false;
            }
            return body != null && body.isObject() && matchesBody(root, body);
        }
        return matchesAttributes(root, m);
    }

    private boolean matchesAttributes(Node n, Message m) {
        for (Map.Entry<String, Object> e : n.keys().entrySet()) {
            @SuppressWarnings("unchecked")
            List<Condition> cs = (List<Condition>) e.getValue();
            if (!anyMatches(cs, attributeValues(m, e.getKey()))) {
                return false;
            }
        }
        if (n.or().isEmpty()) {
            return true;
        }
        for (Node b : n.or()) {
            if (matchesAttributes(b, m)) {
                return true;
            }
        }
        return false;
    }

    /** The values to match for an attribute: null if absent; a String.Array gives its elements. */
    private static List<Object> attributeValues(Message m, String name) {
        if (MessageProperties.hidden(name)) {
            return null;
        }
        Object v = m.property(name);
        if (v == null || v instanceof byte[]) {
            return null;
        }
        if (v instanceof Number n) {
            return List.of(new BigDecimal(n.toString()));
        }
        if (v instanceof Boolean || v instanceof Character) {
            return List.of(v.toString());
        }
        String s = (String) v;
        if (isArrayType(m, name)) {
            try {
                JsonNode arr = JSON.readTree(s);
                if (arr.isArray()) {
                    List<Object> out = new ArrayList<>();
                    arr.forEach(x -> out.add(json(x)));
                    return out;
                }
            } catch (java.io.IOException ignored) {
                // Not an array after all: match as a string.
            }
        }
        if (isNumberType(m, name)) {
            try {
                return List.of(new BigDecimal(s.trim()));
            } catch (NumberFormatException ignored) {
                return List.of(s);
            }
        }
        return List.of(s);
    }

    private static boolean isArrayType(Message m, String name) {
        return typeOf(m, name).startsWith("String.Array");
    }

    private static boolean isNumberType(Message m, String name) {
        return typeOf(m, name).startsWith("Number");
    }

    private static String typeOf(Message m, String name) {
        Object t = m.property(MessageProperties.TYPES);
        if (!(t instanceof String s) || !s.contains("\"" + name + "\"")) {
            return "";
        }
        try {
            JsonNode types = JSON.readTree(s);
            JsonNode e = types.get(name);
            return e != null && e.isArray() && !e.isEmpty() ? e.get(0).asText() : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Object json(JsonNode x) {
        if (x.isNumber()) {
            return x.decimalValue();
        }
        if (x.isBoolean()) {
            return x.booleanValue();
        }
        if (x.isNull()) {
            return null;
        }
        return x.isTextual() ? x.asText() : x.toString();
    }

    private boolean matchesBody(Node n, JsonNode obj) {
        for (Map.Entry<String, Object> e : n.keys().entrySet()) {
            JsonNode field = obj.get(e.getKey());
            if (e.getValue() instanceof Node child) {
                if (!nested(child, field)) {
                    return false;
                }
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Condition> cs = (List<Condition>) e.getValue();
            List<Object> values = null;
            if (field != null) {
                values = new ArrayList<>();
                if (field.isArray()) {
                    for (JsonNode x : field) {
                        values.add(json(x));
                    }
                } else {
                    values.add(json(field));
                }
            }
            if (!anyMatches(cs, values)) {
                return false;
            }
        }
        if (n.or().isEmpty()) {
            return true;
        }
        for (Node b : n.or()) {
            if (matchesBody(b, obj)) {
                return true;
            }
        }
        return false;
    }

    private boolean nested(Node child, JsonNode field) {
        if (field == null) {
            return matchesBody(child, JSON.createObjectNode());
        }
        if (field.isArray()) {
            for (JsonNode x : field) {
                if (x.isObject() && matchesBody(child, x)) {
                    return true;
                }
            }
            return false;
        }
        return field.isObject() && matchesBody(child, field);
    }

    private static boolean anyMatches(List<Condition> cs, List<Object> values) {
        for (Condition c : cs) {
            if (c instanceof Exists ex) {
                if (ex.present() == (values != null)) {
                    return true;
                }
                continue;
            }
            if (values == null) {
                continue;
            }
            for (Object v : values) {
                if (matches(c, v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(Condition c, Object v) {
        if (c instanceof Exact e) {
            return equal(e.value(), v);
        }
        if (c instanceof Prefix p) {
            return v instanceof String s && s.startsWith(p.prefix());
        }
        if (c instanceof Suffix x) {
            return v instanceof String s && s.endsWith(x.suffix());
        }
        if (c instanceof IgnoreCase i) {
            return v instanceof String s && i.values().stream().anyMatch(s::equalsIgnoreCase);
        }
        if (c instanceof AnythingBut a) {
            if (a.inner() != null) {
                return v instanceof String && !matches(a.inner(), v);
            }
            for (Object x : a.values()) {
                if (equal(x, v)) {
                    return false;
                }
            }
            return true;
        }
        if (c instanceof Numeric n) {
            return v instanceof BigDecimal d && inRange(n, d);
        }
        if (c instanceof Cidr r) {
            return v instanceof String s && inNetwork(r, s);
        }
        return false;
    }

    private static boolean equal(Object expected, Object v) {
        if (expected == null) {
            return v == null;
        }
        if (expected instanceof BigDecimal a) {
            return v instanceof BigDecimal b && a.compareTo(b) == 0;
        }
        return expected.equals(v);
    }

    private static boolean inRange(Numeric n, BigDecimal d) {
        for (int i = 0; i < n.ops().size(); i++) {
            int c = d.compareTo(n.bounds().get(i));
            boolean ok = switch (n.ops().get(i)) {
                case "=" -> c == 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean inNetwork(Cidr r, String ip) {
        byte[] a = address(ip.trim());
        if (a == null || a.length != r.network().length) {
            return false;
        }
        int full = r.bits() / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != r.network()[i]) {
                return false;
            }
        }
        int rest = r.bits() % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (r.network()[full] & mask);
    }

    @Override
    public String language() {
        return language;
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return language + " filter policy " + expression;
    }

    /** Normalises a scope name to the filter language. */
    public static String language(String scope) {
        return scope != null && scope.toLowerCase(Locale.ROOT).equals("messagebody") ? BODY : ATTRIBUTES;
    }
}
