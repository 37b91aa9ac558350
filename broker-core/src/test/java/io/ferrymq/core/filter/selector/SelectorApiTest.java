package io.ferrymq.core.filter.selector;

import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The MessageFilter contract: language, source text, and test() agreeing with matches(). */
class SelectorApiTest {

    @Test
    void describesItself() {
        String text = "  color = 'red'\n AND size > 5 ";
        MessageFilter filter = Selector.parse(text);

        assertThat(filter.language()).isEqualTo("sql");
        assertThat(filter.expression()).isEqualTo(text);
        assertThat(filter.toString()).isEqualTo("Selector[" + text + "]");
    }

    @Test
    void testAgreesWithMatches() {
        Selector selector = Selector.parse("color = 'red' AND JMSPriority > 4");
        Message hit = Message.builder().priority(9).property("color", "red").build();
        Message miss = Message.builder().priority(9).property("color", "blue").build();

        assertThat(selector.test(hit)).isTrue().isEqualTo(selector.matches(hit));
        assertThat(selector.test(miss)).isFalse().isEqualTo(selector.matches(miss));
    }

    @Test
    void oneSelectorServesManyThreads() {
        Selector selector = Selector.parse("n BETWEEN 100 AND 199 AND tag LIKE 'k%' AND tag NOT IN ('k150')");

        List<Boolean> results = IntStream.range(0, 50_000).parallel()
                .mapToObj(i -> selector.matches(MapFilterable.of("n", i % 1000, "tag", "k" + (i % 1000))))
                .toList();

        for (int i = 0; i < results.size(); i++) {
            int n = i % 1000;
            assertThat(results.get(i)).as("n=%d", n).isEqualTo(n >= 100 && n <= 199 && n != 150);
        }
    }
}
