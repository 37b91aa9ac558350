package io.ferrymq.bench.jmh;

import io.ferrymq.core.routing.TopicTrie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Routing a topic key through the trie that holds 100,000 subscriptions, as a topic exchange does for
 * every message. Subscriptions look like an IoT fleet's: mostly exact keys
 * ({@code site.S.device.D.temp}), some one-word wildcards ({@code site.S.device.*.temp}) and some
 * many-word wildcards ({@code site.S.#}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicTrieMatchBenchmark {

    private static final int SITES = 100;
    private static final int DEVICES = 1000;
    private static final int KEYS = 4096;

    @Param({"100000"})
    int subscriptions;

    private final TopicTrie<Integer> trie = new TopicTrie<>();
    private String[] keys;
    private int next;
    private int matched;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < subscriptions; i++) {
            int site = random.nextInt(SITES);
            int device = random.nextInt(DEVICES);
            int shape = random.nextInt(100);
            String pattern = shape < 90 ? "site." + site + ".device." + device + ".temp"
                    : shape < 97 ? "site." + site + ".device.*.temp"
                    : "site." + site + ".#";
            trie.add(pattern, i);
        }
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "site." + random.nextInt(SITES) + ".device." + random.nextInt(DEVICES) + ".temp";
        }
    }

    @Benchmark
    public int matchOneKey() {
        String key = keys[next++ & (KEYS - 1)];
        matched = 0;
        trie.match(key, v -> matched++);
        return matched;
    }
}
