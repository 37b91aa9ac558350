package io.ferrymq.core.routing;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The word trie behind the topic exchange: adding, removing and matching patterns. */
class TopicTrieTest {

    private static Set<String> match(TopicTrie<String> trie, String key) {
        Set<String> out = new TreeSet<>();
        trie.match(key, out::add);
        return out;
    }

    @Test
    void matchesLiteralAndWildcardPatterns() {
        TopicTrie<String> trie = new TopicTrie<>();
        for (String p : new String[] {"a.b.c", "a.*.c", "a.#", "#", "*.b.*", "b.#"}) {
            trie.add(p, p);
        }

        assertThat(match(trie, "a.b.c")).containsExactly("#", "*.b.*", "a.#", "a.*.c", "a.b.c");
        assertThat(match(trie, "a")).containsExactly("#", "a.#");
        assertThat(match(trie, "c")).containsExactly("#");
    }

    @Test
    void severalValuesMayShareAPattern() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.*", "one");
        trie.add("a.*", "two");

        assertThat(match(trie, "a.x")).containsExactly("one", "two");
    }

    @Test
    void removeTakesOutOnlyThatValueAtThatPattern() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.*", "one");
        trie.add("a.*", "two");
        trie.add("a.#", "one");

        assertThat(trie.remove("a.*", "one")).isTrue();

        assertThat(match(trie, "a.x")).containsExactly("one", "two");
        assertThat(trie.remove("a.*", "one")).as("already gone").isFalse();
        assertThat(trie.remove("no.such", "one")).isFalse();
        assertThat(trie.remove("a.*", "three")).isFalse();
    }

    @Test
    void removingEverythingLeavesAnEmptyTrie() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.b.c", "v");
        trie.add("a.#", "w");
        assertThat(trie.isEmpty()).isFalse();

        trie.remove("a.b.c", "v");
        trie.remove("a.#", "w");

        assertThat(trie.isEmpty()).isTrue();
        assertThat(match(trie, "a.b.c")).isEmpty();
    }

    @Test
    void removingALongPatternKeepsItsPrefixPattern() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a", "short");
        trie.add("a.b.c", "long");

        trie.remove("a.b.c", "long");

        assertThat(match(trie, "a")).containsExactly("short");
        assertThat(match(trie, "a.b.c")).isEmpty();
    }

    @Test
    void aTrailingHashAlsoMatchesZeroWords() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.#", "v");
        trie.add("a.#.#", "w");

        assertThat(match(trie, "a")).containsExactly("v", "w");
    }

    @Test
    void dollarTopicsAreHiddenFromLeadingWildcards() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("#", "hash");
        trie.add("*.load", "star");
        trie.add("$SYS.#", "sys");
        trie.add("$SYS.load", "exact");

        assertThat(match(trie, "$SYS.load")).containsExactly("exact", "sys");
        assertThat(match(trie, "cpu.load")).containsExactly("hash", "star");
    }
}
