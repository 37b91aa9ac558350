package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topic exchange matches routing keys against binding patterns word by word: {@code *} is one word,
 * {@code #} zero or more; keys whose first word starts with {@code $} are hidden from leading wildcards.
 */
class TopicExchangeRoutingTest {

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

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "a.*.c   | a.b.c            | true",
            "a.*.c   | a.c              | false",
            "a.*.c   | a.b.b.c          | false",
            "*.b     | a.b              | true",
            "*       | a                | true",
            "*       | a.b              | false",
            "a.b     | a.b              | true",
            "a.b     | a.b.c            | false",
            "a.#     | a                | true",
            "a.#     | a.b.c            | true",
            "a.#     | b.a              | false",
            "#       | a                | true",
            "#       | anything.at.all  | true",
            "#.#     | a                | true",
            "#.#     | a.b.c            | true",
            "a.#.c   | a.c              | true",
            "a.#.c   | a.b.b.c          | true",
            "a.#.c   | a.b.c.d          | false",
            "#.c     | c                | true",
            "#.c     | a.b.c            | true",
            "#.c     | c.d              | false",
            "*.*.#   | a                | false",
            "*.*.#   | a.b              | true",
            "$SYS.#  | $SYS.broker.load | true",
            "$SYS.#  | $SYS             | true",
            "#       | $SYS.broker.load | false",
            "#.load  | $SYS.load        | false",
            "*.load  | $SYS.load        | false",
            "$SYS.*  | $SYS.load        | true",
            "a.*     | a.$x             | true",
            "a.#     | a.$x.y           | true",
    })
    void patternMatchesKey(String pattern, String key, boolean expected) {
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", pattern)).join();

        int queues = s.send(Route.exchange("amq.topic", key), TestBroker.text("m"), null).join().queues();

        assertThat(queues).isEqualTo(expected ? 1 : 0);
        assertThat(tb.stats("q").ready()).isEqualTo(expected ? 1 : 0);
    }

    @Test
    void eachQueueGetsWhatItsOwnPatternsSelect() {
        s.admin().declareQueue(QueueDeclaration.durable("eu")).join();
        s.admin().declareQueue(QueueDeclaration.durable("all")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "eu", "orders.eu.*")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "all", "orders.#")).join();

        for (String key : new String[] {"orders.eu.new", "orders.us.new", "orders", "orders.eu.new.x", "invoices.eu"}) {
            s.send(Route.exchange("amq.topic", key), TestBroker.text(key), null).join();
        }

        assertThat(tb.stats("eu").ready()).isEqualTo(1);
        assertThat(tb.stats("all").ready()).isEqualTo(4);
    }

    @Test
    void unbindingAPatternStopsItsMatches() {
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "a.*")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "b.#")).join();
        s.admin().unbind(BindingDeclaration.queue("amq.topic", "q", "a.*")).join();

        assertThat(s.send(Route.exchange("amq.topic", "a.x"), TestBroker.text("a"), null).join().queues()).isZero();
        assertThat(s.send(Route.exchange("amq.topic", "b.x"), TestBroker.text("b"), null).join().queues()).isEqualTo(1);
    }
}
