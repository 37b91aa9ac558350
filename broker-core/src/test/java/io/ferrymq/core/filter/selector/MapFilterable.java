package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

import java.util.HashMap;
import java.util.Map;

/** A Filterable over a plain map, so tests can use any value type, including ones Message refuses. */
final class MapFilterable implements Filterable {

    private final Map<String, Object> values = new HashMap<>();

    static MapFilterable of(Object... namesAndValues) {
        MapFilterable f = new MapFilterable();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            f.values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return f;
    }

    @Override
    public Object filterValue(String identifier) {
        return values.get(identifier);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
