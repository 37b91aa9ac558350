package io.ferrymq.core.queue;

import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** An exclusive consumer is the only consumer of its queue while it is attached. */
class ExclusiveConsumerTest {

    private TestBroker tb;
    private Session s1;
    private Session s2;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s1 = tb.session(new RecordingSink());
        s2 = tb.session(new RecordingSink());
        s1.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aSecondConsumerIsRefusedWhileAnExclusiveOneIsAttached() {
        s1.consume(Source.queue("q"), ConsumeOptions.credit(1).withExclusive(true)).join();

        failsWith(s2.consume(Source.queue("q"), ConsumeOptions.credit(1)), ErrorCode.RESOURCE_LOCKED);
        failsWith(s1.consume(Source.queue("q"), ConsumeOptions.credit(1)), ErrorCode.RESOURCE_LOCKED);
        assertThat(tb.stats("q").consumers()).isEqualTo(1);
    }

    @Test
    void anExclusiveConsumerIsRefusedWhenTheQueueHasConsumers() {
        s1.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        failsWith(s2.consume(Source.queue("q"), ConsumeOptions.credit(1).withExclusive(true)), ErrorCode.RESOURCE_LOCKED);
    }

    @Test
    void othersMayConsumeOnceTheExclusiveConsumerLeaves() {
        Subscription exclusive = s1.consume(Source.queue("q"), ConsumeOptions.credit(1).withExclusive(true)).join();

        exclusive.close().join();

        assertThat(s2.consume(Source.queue("q"), ConsumeOptions.credit(1)).join()).isNotNull();
    }

    @Test
    void aBrowserMayLookWhileAnExclusiveConsumerIsAttached() {
        s1.consume(Source.queue("q"), ConsumeOptions.credit(1).withExclusive(true)).join();

        assertThat(s2.consume(Source.queue("q"), ConsumeOptions.credit(1).withBrowse(true)).join()).isNotNull();
    }
}
