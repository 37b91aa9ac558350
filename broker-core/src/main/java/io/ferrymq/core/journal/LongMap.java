package io.ferrymq.core.journal;

/**
 * A map from {@code long} to non-null values, open addressing with linear probing: the journal index keeps an
 * entry per stored message and reference, and a {@code HashMap<Long, V>} would box every id and allocate a node
 * per entry on the append path. Not thread-safe (the journal writer owns it).
 */
final class LongMap<V> {

    /** Visits one entry. */
    interface Visitor<V> {
        void visit(long key, V value);
    }

    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    LongMap() {
        keys = new long[16];
        values = new Object[16];
        mask = 15;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null || keys[i] == key) {
                return (V) v;
            }
        }
    }

    boolean containsKey(long key) {
        return get(key) != null;
    }

    /** @return the value it replaces, or null */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size > (mask + 1) * 3 / 4) {
            grow();
        }
        return null;
    }

    /** @return the value removed, or null */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = (V) values[i];
                delete(i);
                return old;
            }
        }
        return null;
    }

    /** Visits every entry; the visitor must not change this map. */
    @SuppressWarnings("unchecked")
    void forEach(Visitor<? super V> visitor) {
        long[] k = keys;
        Object[] v = values;
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null) {
                visitor.visit(k[i], (V) v[i]);
            }
        }
    }

    /** Removes a slot, moving back the entries after it that would otherwise no longer be found (no tombstones). */
    private void delete(int hole) {
        values[hole] = null;
        size--;
        for (int i = (hole + 1) & mask; values[i] != null; i = (i + 1) & mask) {
            int home = slot(keys[i]);
            // Move the entry into the hole unless its home lies cyclically in (hole, i].
            boolean reachable = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!reachable) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int capacity = oldValues.length * 2;
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != null) {
                int j = slot(oldKeys[i]);
                while (values[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
