package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** A binding with an SQL selector passes only the messages the selector accepts. */
class BindingFilterTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareExchange(ExchangeDeclaration.durable("fan", ExchangeType.FANOUT)).join();
        s.admin().declareQueue(QueueDeclaration.durable("red")).join();
        s.admin().declareQueue(QueueDeclaration.durable("all")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "red", "").withFilter(FilterSpec.sql("color = 'red'"))).join();
        s.admin().bind(BindingDeclaration.queue("fan", "all", "")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private int send(String color) {
        return s.send(Route.exchange("fan", ""), TestBroker.message(color).property("color", color).build(), null)
                .join().queues();
    }

    @Test
    void onlyMatchingMessagesCrossAFilteredBinding() {
        assertThat(send("red")).isEqualTo(2);
        assertThat(send("blue")).isEqualTo(1);
        assertThat(s.send(Route.exchange("fan", ""), TestBroker.text("no color"), null).join().queues())
                .as("a missing property makes the selector UNKNOWN, which does not match").isEqualTo(1);

        assertThat(tb.stats("red").ready()).isEqualTo(1);
        assertThat(tb.stats("all").ready()).isEqualTo(3);
    }

    @Test
    void rebindingTheSameBindingReplacesItsFilter() {
        s.admin().bind(BindingDeclaration.queue("fan", "red", "").withFilter(FilterSpec.sql("color = 'blue'"))).join();

        assertThat(send("red")).isEqualTo(1);
        assertThat(send("blue")).isEqualTo(2);
        assertThat(tb.vhost().bindingsTo(tb.queue("red"))).hasSize(1);
    }

    @Test
    void aFilterOnATopicBindingAppliesAfterThePatternMatches() {
        s.admin().bind(BindingDeclaration.queue("amq.topic", "red", "paint.#")
                .withFilter(FilterSpec.sql("color = 'red'"))).join();
        s.send(Route.exchange("amq.topic", "paint.wall"), TestBroker.message("a").property("color", "red").build(), null)
                .join();
        s.send(Route.exchange("amq.topic", "paint.wall"), TestBroker.message("b").property("color", "blue").build(),
                null).join();
        s.send(Route.exchange("amq.topic", "ink"), TestBroker.message("c").property("color", "red").build(), null)
                .join();

        assertThat(tb.stats("red").ready()).isEqualTo(1);
    }

    @Test
    void aMalformedSelectorIsRefusedWhenBinding() {
        failsWith(s.admin().bind(BindingDeclaration.queue("fan", "all", "x").withFilter(FilterSpec.sql("color = "))),
                ErrorCode.INVALID_ARGUMENT);
        failsWith(s.admin().bind(BindingDeclaration.queue("fan", "all", "y").withFilter(new FilterSpec("sns", "{}"))),
                ErrorCode.INVALID_ARGUMENT);
    }
}
