package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.QueueInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declaring a queue that exists succeeds only with equivalent properties and arguments (AMQP 0-9-1);
 * a passive declaration only checks existence; bad names and arguments are refused.
 */
class QueueDeclarationTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q").withArguments(Map.of("x-max-length", 10))).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void anEquivalentRedeclarationSucceedsAndReportsTheQueue() {
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();

        QueueInfo info = s.admin().declareQueue(QueueDeclaration.durable("q")
                .withArguments(Map.of("x-max-length", 10L))).join();

        assertThat(info.name()).isEqualTo("q");
        assertThat(info.messageCount()).isEqualTo(1);
        assertThat(info.consumerCount()).isZero();
    }

    @Test
    void aDifferentArgumentValueFailsNamingTheArgument() {
        BrokerException e = failsWith(s.admin().declareQueue(QueueDeclaration.durable("q")
                .withArguments(Map.of("x-max-length", 20))), ErrorCode.PRECONDITION_FAILED);

        assertThat(e.getMessage()).contains("x-max-length", "'q'", "20", "10");
    }

    @Test
    void aMissingOrExtraArgumentFailsNamingTheArgument() {
        BrokerException missing = failsWith(s.admin().declareQueue(QueueDeclaration.durable("q")),
                ErrorCode.PRECONDITION_FAILED);
        BrokerException extra = failsWith(s.admin().declareQueue(QueueDeclaration.durable("q")
                .withArguments(Map.of("x-max-length", 10, "x-message-ttl", 5))), ErrorCode.PRECONDITION_FAILED);

        assertThat(missing.getMessage()).contains("x-max-length");
        assertThat(extra.getMessage()).contains("x-message-ttl");
    }

    @Test
    void aDifferentDurabilityOrAutoDeleteFails() {
        assertThat(failsWith(s.admin().declareQueue(new QueueDeclaration("q", false, false, false,
                Map.of("x-max-length", 10), false)), ErrorCode.PRECONDITION_FAILED).getMessage()).contains("durable");
        assertThat(failsWith(s.admin().declareQueue(new QueueDeclaration("q", true, false, true,
                Map.of("x-max-length", 10), false)), ErrorCode.PRECONDITION_FAILED).getMessage())
                .contains("auto_delete");
    }

    @Test
    void aPassiveDeclarationChecksOnlyExistence() {
        assertThat(s.admin().declareQueue(QueueDeclaration.passive("q")).join().name()).isEqualTo("q");

        BrokerException e = failsWith(s.admin().declareQueue(QueueDeclaration.passive("missing")),
                ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("missing");
        assertThat(tb.queue("missing")).isNull();
    }

    @Test
    void invalidArgumentsAreRefusedAndCreateNothing() {
        BrokerException e = failsWith(s.admin().declareQueue(QueueDeclaration.durable("bad")
                .withArguments(Map.of("x-max-length", "lots"))), ErrorCode.INVALID_ARGUMENT);

        assertThat(e.getMessage()).contains("x-max-length");
        assertThat(tb.queue("bad")).isNull();
    }

    @Test
    void overlongNamesAndControlCharactersAreRefused() {
        failsWith(s.admin().declareQueue(QueueDeclaration.durable("x".repeat(256))), ErrorCode.INVALID_ARGUMENT);
        failsWith(s.admin().declareQueue(QueueDeclaration.durable("bad\nname")), ErrorCode.INVALID_ARGUMENT);
        s.admin().declareQueue(QueueDeclaration.durable("x".repeat(255))).join();
    }

    @Test
    void deletingAQueueReportsItsMessagesAndRespectsIfEmptyAndIfUnused() {
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        failsWith(s.admin().deleteQueue("q", false, true), ErrorCode.PRECONDITION_FAILED);
        s.consume(Source.queue("q"), ConsumeOptions.credit(0)).join();
        failsWith(s.admin().deleteQueue("q", true, false), ErrorCode.PRECONDITION_FAILED);

        assertThat(s.admin().deleteQueue("q", false, false).join()).isEqualTo(1);
        assertThat(tb.queue("q")).isNull();
        failsWith(s.admin().deleteQueue("q", false, false), ErrorCode.NOT_FOUND);
    }
}
