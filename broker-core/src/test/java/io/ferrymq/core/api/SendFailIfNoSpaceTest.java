package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Session#sendFailIfNoSpace} (ActiveMQ's sendFailIfNoSpace): the send that takes the broker to its memory
 * limit is confirmed without waiting for room, where {@link Session#send} would hold its confirmation, and the
 * sends after it are refused with RESOURCE_LIMIT_EXCEEDED.
 */
class SendFailIfNoSpaceTest {

    private static final long SIZE = TestBroker.text("m0").estimatedSize();

    private TestBroker tb;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().memoryLimit(SIZE * 2).build();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void atTheLimitAHeldBackSendWaitsButAFailIfNoSpaceSendIsConfirmedAndTheNextRefused() throws Exception {
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.text("m1"), null).join();
        CompletableFuture<SendResult> held = s.send(Route.queue("q"), TestBroker.text("m2"), null);
        assertThat(held).as("the ordinary send that reached the limit waits for room").isNotDone();

        Session other = tb.session(new RecordingSink());
        assertThatThrownBy(() -> other.sendFailIfNoSpace(Route.queue("q"), TestBroker.text("m3"), List.of()).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(ErrorCode.RESOURCE_LIMIT_EXCEEDED))
                .hasMessageContaining("memory limit");
    }

    @Test
    void aFailIfNoSpaceSendThatReachesTheLimitIsConfirmedWithoutWaitingForRoom() throws Exception {
        Session s = tb.session(new RecordingSink());
        s.sendFailIfNoSpace(Route.queue("q"), TestBroker.text("m1"), List.of()).get(10, TimeUnit.SECONDS);
        // Takes the broker to its limit, and is answered all the same.
        s.sendFailIfNoSpace(Route.queue("q"), TestBroker.text("m2"), List.of()).get(10, TimeUnit.SECONDS);
        assertThat(s.memoryAvailable()).isNotDone();
    }
}
