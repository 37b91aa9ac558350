package io.ferrymq.core.message;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Encodings of one message that adapters made to deliver it, each under the shape it depends on (a protocol
 * version, a QoS, a topic name...), so that a message fanned out to many subscribers of one protocol is
 * encoded once per shape instead of once per subscriber.
 *
 * <p>A few shapes are kept; when they are all taken a new one replaces an old one. Racing writers may
 * overwrite each other: that costs a second encoding, never a wrong one, because an entry is only ever read
 * back under a key equal to the one it was made for.
 */
final class EncodingMemo {

    private static final int SLOTS = 4;

    private record Entry(Object shape, Object encoding) {
    }

    private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(SLOTS);

    @SuppressWarnings("unchecked")
    <S, E> E get(S shape, Function<? super S, ? extends E> encoder) {
        for (int i = 0; i < SLOTS; i++) {
            Entry e = entries.get(i);
            if (e == null) {
                break;
            }
            if (e.shape().equals(shape)) {
                return (E) e.encoding();
            }
        }
        E encoding = encoder.apply(shape);
        Entry made = new Entry(shape, encoding);
        for (int i = 0; i < SLOTS; i++) {
            if (entries.compareAndSet(i, null, made)) {
                return encoding;
            }
        }
        entries.set(Math.floorMod(shape.hashCode(), SLOTS), made);
        return encoding;
    }
}
