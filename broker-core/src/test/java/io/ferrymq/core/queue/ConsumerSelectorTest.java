package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** A consumer with a selector gets only matching messages; the rest stay for other consumers. */
class ConsumerSelectorTest {

    private TestBroker tb;
    private Session producer;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        producer = tb.session(new RecordingSink());
        for (String color : new String[] {"red", "blue", "red", "green"}) {
            producer.send(Route.queue("q"), TestBroker.message(color).property("color", color).build(), null).join();
        }
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void onlyMatchingMessagesAreDelivered() {
        RecordingSink reds = new RecordingSink();

        tb.session(reds).consume(Source.queue("q"), ConsumeOptions.credit(10).withFilter(FilterSpec.sql("color = 'red'"))).join();

        assertThat(reds.bodies()).containsExactly("red", "red");
        assertThat(tb.stats("q").ready()).isEqualTo(2);
    }

    @Test
    void nonMatchingMessagesGoToOtherConsumers() {
        RecordingSink reds = new RecordingSink();
        RecordingSink rest = new RecordingSink();
        tb.session(reds).consume(Source.queue("q"), ConsumeOptions.credit(10).withFilter(FilterSpec.sql("color = 'red'"))).join();

        tb.session(rest).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(rest.bodies()).containsExactly("blue", "green");
    }

    @Test
    void headerFieldsCanBeSelected() {
        producer.send(Route.queue("q"), TestBroker.message("urgent").priority(9).build(), null).join();
        RecordingSink urgent = new RecordingSink();

        tb.session(urgent).consume(Source.queue("q"), ConsumeOptions.credit(10).withFilter(FilterSpec.sql("JMSPriority > 6")))
                .join();

        assertThat(urgent.bodies()).containsExactly("urgent");
    }

    @Test
    void aMalformedSelectorIsRefused() {
        failsWith(tb.session(new RecordingSink()).consume(Source.queue("q"),
                ConsumeOptions.credit(10).withFilter(FilterSpec.sql("color = = 'red'"))), ErrorCode.INVALID_ARGUMENT);
        assertThat(tb.stats("q").consumers()).isZero();
    }
}
