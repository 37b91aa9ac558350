package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headers exchange matches binding arguments against message properties: {@code x-match} all
 * (default) or any, {@code x-} arguments only with the {@code -with-x} modes, a null argument value
 * meaning "present", and numbers equal by value whatever their box.
 */
class HeadersExchangeRoutingTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void bind(Map<String, Object> args) {
        s.admin().bind(BindingDeclaration.queue("amq.headers", "q", "").withArguments(args)).join();
    }

    private boolean routes(Map<String, Object> properties) {
        Message m = TestBroker.message("m").properties(properties).build();
        return s.send(Route.exchange("amq.headers", "whatever"), m, null).join().queues() == 1;
    }

    @Test
    void allIsTheDefaultAndNeedsEveryArgument() {
        bind(Map.of("format", "pdf", "type", "report"));

        assertThat(routes(Map.of("format", "pdf", "type", "report"))).isTrue();
        assertThat(routes(Map.of("format", "pdf", "type", "report", "extra", 1))).isTrue();
        assertThat(routes(Map.of("format", "pdf"))).isFalse();
        assertThat(routes(Map.of("format", "pdf", "type", "invoice"))).isFalse();
        assertThat(routes(Map.of())).isFalse();
    }

    @Test
    void explicitAllBehavesLikeTheDefault() {
        bind(Map.of("x-match", "all", "format", "pdf", "type", "report"));

        assertThat(routes(Map.of("format", "pdf", "type", "report"))).isTrue();
        assertThat(routes(Map.of("format", "pdf"))).isFalse();
    }

    @Test
    void anyNeedsOneArgument() {
        bind(Map.of("x-match", "any", "format", "pdf", "type", "report"));

        assertThat(routes(Map.of("format", "pdf"))).isTrue();
        assertThat(routes(Map.of("type", "report"))).isTrue();
        assertThat(routes(Map.of("format", "zip", "type", "log"))).isFalse();
        assertThat(routes(Map.of())).isFalse();
    }

    @Test
    void xArgumentsAreIgnoredByPlainAllAndAny() {
        bind(Map.of("x-match", "all", "x-tag", "t", "format", "pdf"));

        assertThat(routes(Map.of("format", "pdf"))).as("x-tag ignored").isTrue();
    }

    @Test
    void allWithXAlsoMatchesXArguments() {
        bind(Map.of("x-match", "all-with-x", "x-tag", "t", "format", "pdf"));

        assertThat(routes(Map.of("format", "pdf"))).isFalse();
        assertThat(routes(Map.of("format", "pdf", "x-tag", "t"))).isTrue();
        assertThat(routes(Map.of("format", "pdf", "x-tag", "other"))).isFalse();
    }

    @Test
    void anyWithXMatchesOnAnXArgumentAlone() {
        bind(Map.of("x-match", "any-with-x", "x-tag", "t", "format", "pdf"));

        assertThat(routes(Map.of("x-tag", "t"))).isTrue();
        assertThat(routes(Map.of("x-tag", "u"))).isFalse();
    }

    @Test
    void plainAnyDoesNotMatchOnAnXArgument() {
        bind(Map.of("x-match", "any", "x-tag", "t", "format", "pdf"));

        assertThat(routes(Map.of("x-tag", "t"))).isFalse();
    }

    @Test
    void aNullArgumentMatchesWhenThePropertyIsPresentWithAnyValue() {
        Map<String, Object> args = new HashMap<>();
        args.put("flag", null);
        bind(args);

        assertThat(routes(Map.of("flag", "yes"))).isTrue();
        assertThat(routes(Map.of("flag", 0))).isTrue();
        assertThat(routes(Map.of("other", "yes"))).isFalse();
    }

    @Test
    void numbersMatchByValueAcrossIntegerAndLong() {
        bind(Map.of("n", 5));

        assertThat(routes(Map.of("n", 5L))).isTrue();
        assertThat(routes(Map.of("n", (short) 5))).isTrue();
        assertThat(routes(Map.of("n", 6L))).isFalse();
        assertThat(routes(Map.of("n", "5"))).as("a string is not a number").isFalse();
    }

    @Test
    void aLongArgumentMatchesAnIntegerProperty() {
        bind(Map.of("n", 7L));

        assertThat(routes(Map.of("n", 7))).isTrue();
    }

    @Test
    void byteArrayArgumentsCompareByContent() {
        bind(Map.of("b", new byte[] {1, 2}));

        assertThat(routes(Map.of("b", new byte[] {1, 2}))).isTrue();
        assertThat(routes(Map.of("b", new byte[] {1, 3}))).isFalse();
    }
}
