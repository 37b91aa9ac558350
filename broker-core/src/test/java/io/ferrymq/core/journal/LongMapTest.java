package io.ferrymq.core.journal;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The index's primitive-keyed map behaves as a HashMap does, through growth and removals amid collisions. */
class LongMapTest {

    @Test
    void agreesWithAHashMapOverRandomPutsGetsAndRemovals() {
        Random random = new Random(7);
        LongMap<Long> map = new LongMap<>();
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // A small key space makes removals hit chains of displaced entries; negative keys included.
            long key = random.nextInt(5_000) - 1_000 + (random.nextInt(4) == 0 ? (long) random.nextInt(3) << 40 : 0);
            switch (random.nextInt(3)) {
                case 0 -> assertThat(map.put(key, (long) i)).isEqualTo(expected.put(key, (long) i));
                case 1 -> assertThat(map.remove(key)).isEqualTo(expected.remove(key));
                default -> assertThat(map.get(key)).isEqualTo(expected.get(key));
            }
            assertThat(map.size()).isEqualTo(expected.size());
        }
        Map<Long, Long> visited = new HashMap<>();
        map.forEach(visited::put);
        assertThat(visited).isEqualTo(expected);
        for (long key : expected.keySet()) {
            assertThat(map.containsKey(key)).isTrue();
        }
    }
}
