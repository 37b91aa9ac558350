package io.ferrymq.core.routing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trie and the plain pattern matcher are two implementations of one rule; they must agree on every
 * pattern and key (the trie additionally hides {@code $} topics from leading wildcards), also after
 * patterns are removed again.
 */
class TopicTriePropertyTest {

    @Property(tries = 2000, seed = "20240611")
    void trieMatchesWhatNamePatternMatches(@ForAll("patterns") List<String> patterns, @ForAll("keys") String key) {
        TopicTrie<String> trie = new TopicTrie<>();
        patterns.forEach(p -> trie.add(p, p));

        assertThat(matched(trie, key)).isEqualTo(expected(patterns, key));
    }

    @Property(tries = 1000, seed = "20240611")
    void removedPatternsNoLongerMatch(@ForAll("patterns") List<String> patterns, @ForAll("keys") String key) {
        TopicTrie<String> trie = new TopicTrie<>();
        patterns.forEach(p -> trie.add(p, p));
        List<String> removed = patterns.subList(0, patterns.size() / 2);
        removed.forEach(p -> trie.remove(p, p));
        List<String> kept = patterns.stream().filter(p -> !removed.contains(p)).toList();

        assertThat(matched(trie, key)).isEqualTo(expected(kept, key));
        kept.forEach(p -> trie.remove(p, p));
        assertThat(trie.isEmpty()).isTrue();
    }

    private static Set<String> matched(TopicTrie<String> trie, String key) {
        Set<String> out = new HashSet<>();
        trie.match(key, out::add);
        return out;
    }

    private static Set<String> expected(List<String> patterns, String key) {
        boolean dollarKey = key.startsWith("$");
        return patterns.stream()
                .filter(p -> NamePattern.of(p).matches(key))
                .filter(p -> !(dollarKey && (p.startsWith("*") || p.startsWith("#"))))
                .collect(Collectors.toSet());
    }

    @Provide
    Arbitrary<List<String>> patterns() {
        return Arbitraries.of("a", "b", "$s", "*", "#", "").list().ofMinSize(1).ofMaxSize(5)
                .map(words -> String.join(".", words))
                .list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of("a", "b", "$s", "c", "").list().ofMinSize(1).ofMaxSize(6)
                .map(words -> String.join(".", words));
    }
}
