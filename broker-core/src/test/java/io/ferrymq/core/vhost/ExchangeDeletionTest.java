package io.ferrymq.core.vhost;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Deleting an exchange takes every binding from and to it with it; auto-delete exchanges go with their last binding. */
class ExchangeDeletionTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
        s.admin().declareExchange(ExchangeDeclaration.durable("x", ExchangeType.DIRECT)).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private static BindingDeclaration exchangeBinding(String from, String to, String key) {
        return new BindingDeclaration(from, BindingTarget.Kind.EXCHANGE, to, key, Map.of(), null);
    }

    @Test
    void aDeletedExchangesBindingsAreGoneFromItsQueues() {
        s.admin().bind(BindingDeclaration.queue("x", "q", "k")).join();

        s.admin().deleteExchange("x", false).join();

        assertThat(tb.vhost().exchange("x")).isNull();
        assertThat(tb.vhost().bindingsTo(tb.queue("q"))).isEmpty();
    }

    @Test
    void aDurableSubscriptionReattachesAfterAnExchangeItsQueueWasBoundFromIsDeleted() {
        s.consume(Source.topic(TopicSubscription.durable("amq.topic", "a.#", "sub")), ConsumeOptions.credit(1)).join()
                .close().join();
        s.admin().bind(BindingDeclaration.queue("x", "sub", "k")).join();
        s.admin().deleteExchange("x", false).join();

        s.consume(Source.topic(TopicSubscription.durable("amq.topic", "a.#", "sub")), ConsumeOptions.credit(1)).join();

        assertThat(tb.vhost().bindingsTo(tb.queue("sub"))).singleElement()
                .satisfies(b -> assertThat(b.exchange()).isEqualTo("amq.topic"));
    }

    @Test
    void bindingsFromOtherExchangesToADeletedExchangeGoToo() {
        s.admin().declareExchange(ExchangeDeclaration.durable("front", ExchangeType.FANOUT)).join();
        s.admin().bind(exchangeBinding("front", "x", "")).join();
        s.admin().bind(BindingDeclaration.queue("front", "q", "")).join();

        s.admin().deleteExchange("x", false).join();

        assertThat(tb.vhost().exchange("front").bindings()).extracting(b -> b.target().name()).containsExactly("q");
    }

    @Test
    void ifUnusedRefusesAnExchangeWithBindings() {
        s.admin().bind(BindingDeclaration.queue("x", "q", "k")).join();

        failsWith(s.admin().deleteExchange("x", true), ErrorCode.PRECONDITION_FAILED);

        assertThat(s.send(Route.exchange("x", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
    }

    @Test
    void deletingAMissingExchangeIsNotFound() {
        failsWith(s.admin().deleteExchange("nope", false), ErrorCode.NOT_FOUND);
    }

    @Test
    void anAutoDeleteExchangeGoesWithItsLastBinding() {
        s.admin().declareExchange(new ExchangeDeclaration("temp", ExchangeType.FANOUT, false, true, false, Map.of(),
                false)).join();
        s.admin().declareQueue(QueueDeclaration.durable("q2")).join();
        s.admin().bind(BindingDeclaration.queue("temp", "q", "")).join();
        s.admin().bind(BindingDeclaration.queue("temp", "q2", "")).join();

        s.admin().unbind(BindingDeclaration.queue("temp", "q", "")).join();
        assertThat(tb.vhost().exchange("temp")).isNotNull();
        s.admin().deleteQueue("q2", false, false).join();

        assertThat(tb.vhost().exchange("temp")).isNull();
    }

    @Test
    void anAutoDeletedExchangeLeavesNoBindingPointingAtIt() {
        s.admin().declareExchange(new ExchangeDeclaration("temp", ExchangeType.FANOUT, false, true, false, Map.of(),
                false)).join();
        s.admin().bind(BindingDeclaration.queue("temp", "q", "")).join();
        s.admin().bind(exchangeBinding("x", "temp", "k")).join();

        s.admin().unbind(BindingDeclaration.queue("temp", "q", "")).join();

        assertThat(tb.vhost().exchange("temp")).isNull();
        assertThat(tb.vhost().exchange("x").bindings()).isEmpty();
    }
}
