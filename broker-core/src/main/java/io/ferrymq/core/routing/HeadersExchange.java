package io.ferrymq.core.routing;

import io.ferrymq.core.message.Message;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Routes by comparing binding arguments with message properties, as AMQP 0-9-1's headers exchange:
 * {@code x-match} is {@code all} (default) or {@code any}; arguments starting with {@code x-} are
 * ignored unless {@code x-match} is {@code all-with-x} or {@code any-with-x}. An argument with a null
 * value matches when the property is present, whatever its value.
 */
final class HeadersExchange extends Exchange {

    private final CopyOnWriteArrayList<Binding> all = new CopyOnWriteArrayList<>();

    HeadersExchange(String name, boolean durable, boolean autoDelete, boolean internal, Map<String, Object> args) {
        super(name, durable, autoDelete, internal, args);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.HEADERS;
    }

    @Override
    protected void collect(Message message, String routingKey, Consumer<Binding> sink) {
        for (Binding b : all) {
            if (matches(b.arguments(), message)) {
                sink.accept(b);
            }
        }
    }

    static boolean matches(Map<String, Object> args, Message message) {
        Object modeArg = args.get("x-match");
        String mode = modeArg == null ? "all" : modeArg.toString();
        boolean any = mode.startsWith("any");
        boolean withX = mode.endsWith("-with-x");
        for (Map.Entry<String, Object> e : args.entrySet()) {
            String k = e.getKey();
            if (k.equals("x-match") || (!withX && k.startsWith("x-"))) {
                continue;
            }
            Map<String, Object> props = message.properties();
            boolean present = props.containsKey(k);
            boolean hit = present && (e.getValue() == null || valuesEqual(e.getValue(), props.get(k)));
            if (any && hit) {
                return true;
            }
            if (!any && !hit) {
                return false;
            }
        }
        // all: every argument matched (an empty argument list matches everything); any: none did.
        return !any;
    }

    /** Numbers compare by value across boxes (an AMQP long 5 equals an int 5). */
    private static boolean valuesEqual(Object expected, Object actual) {
        if (expected instanceof Number a && actual instanceof Number b) {
            if (isIntegral(a) && isIntegral(b)) {
                return a.longValue() == b.longValue();
            }
            return a.doubleValue() == b.doubleValue();
        }
        if (expected instanceof byte[] a && actual instanceof byte[] b) {
            return java.util.Arrays.equals(a, b);
        }
        return Objects.equals(expected, actual);
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Byte || n instanceof Short || n instanceof Integer || n instanceof Long;
    }

    @Override
    public synchronized boolean addBinding(Binding binding) {
        Object mode = binding.arguments().get("x-match");
        if (mode != null && !List.of("all", "any", "all-with-x", "any-with-x").contains(mode.toString())) {
            throw io.ferrymq.core.errors.BrokerException.invalid("x-match must be all, any, all-with-x or any-with-x,"
                    + " was '" + mode + "'");
        }
        return Bindings.addOrReplace(all, binding);
    }

    @Override
    public synchronized boolean removeBinding(Binding binding) {
        return all.remove(binding);
    }

    @Override
    public List<Binding> bindings() {
        return List.copyOf(all);
    }

    @Override
    public boolean hasBindings() {
        return !all.isEmpty();
    }
}
