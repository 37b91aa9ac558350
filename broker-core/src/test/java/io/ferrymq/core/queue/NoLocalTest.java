package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A no-local consumer skips messages its own connection published; others still get them. */
class NoLocalTest {

    @Test
    void aNoLocalConsumerSkipsItsOwnConnectionsMessages() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink mine = new RecordingSink();
            Session self = tb.session(mine);
            Session peer = tb.session(new RecordingSink());
            self.admin().declareQueue(QueueDeclaration.durable("q")).join();
            self.consume(Source.queue("q"), ConsumeOptions.credit(10).withNoLocal(true)).join();

            self.send(Route.queue("q"), TestBroker.text("own"), null).join();
            peer.send(Route.queue("q"), TestBroker.text("peer"), null).join();

            assertThat(mine.bodies()).containsExactly("peer");
            assertThat(tb.stats("q").ready()).as("its own message waits for other consumers").isEqualTo(1);
            RecordingSink other = new RecordingSink();
            peer.close();
            tb.session(other).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            assertThat(other.bodies()).containsExactly("own");
        }
    }

    @Test
    void withoutNoLocalAConsumerGetsItsOwnMessages() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink mine = new RecordingSink();
            Session self = tb.session(mine);
            self.admin().declareQueue(QueueDeclaration.durable("q")).join();
            self.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            self.send(Route.queue("q"), TestBroker.text("own"), null).join();

            assertThat(mine.bodies()).containsExactly("own");
        }
    }
}
