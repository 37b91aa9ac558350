package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
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

/** An exclusive queue belongs to the connection that declared it and is deleted when that closes. */
class ExclusiveQueueTest {

    private TestBroker tb;
    private RecordingSink ownerSink;
    private Session owner;
    private Session other;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        ownerSink = new RecordingSink();
        owner = tb.session(ownerSink);
        other = tb.session(new RecordingSink());
        owner.admin().declareQueue(new QueueDeclaration("mine", false, true, false, null, false)).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void theOwnerMayConsumeAndRedeclare() {
        owner.admin().declareQueue(new QueueDeclaration("mine", false, true, false, null, false)).join();
        other.send(Route.queue("mine"), TestBroker.text("m"), null).join();

        owner.consume(Source.queue("mine"), ConsumeOptions.credit(1)).join();

        assertThat(ownerSink.bodies()).containsExactly("m");
    }

    @Test
    void anotherConnectionMayNotConsumeDeclareOrDeleteIt() {
        failsWith(other.consume(Source.queue("mine"), ConsumeOptions.credit(1)), ErrorCode.RESOURCE_LOCKED);
        failsWith(other.admin().declareQueue(new QueueDeclaration("mine", false, true, false, null, false)),
                ErrorCode.RESOURCE_LOCKED);
        failsWith(other.admin().declareQueue(QueueDeclaration.passive("mine")), ErrorCode.RESOURCE_LOCKED);
        failsWith(other.admin().deleteQueue("mine", false, false), ErrorCode.RESOURCE_LOCKED);
        failsWith(other.admin().purgeQueue("mine"), ErrorCode.RESOURCE_LOCKED);
        assertThat(tb.queue("mine")).isNotNull();
    }

    @Test
    void itIsDeletedWhenItsSessionCloses() {
        owner.send(Route.queue("mine"), TestBroker.text("m"), null).join();

        owner.close();

        assertThat(tb.queue("mine")).isNull();
        failsWith(other.consume(Source.queue("mine"), ConsumeOptions.credit(1)), ErrorCode.NOT_FOUND);
    }

    @Test
    void anotherSessionClosingLeavesItAlone() {
        other.close();

        assertThat(tb.queue("mine")).isNotNull();
    }

    @Test
    void itsConsumersAreToldWhenItIsDeleted() {
        owner.consume(Source.queue("mine"), ConsumeOptions.credit(1)).join();
        owner.admin().deleteQueue("mine", false, false).join();

        assertThat(ownerSink.closures()).singleElement().asString().contains("mine");
    }
}
