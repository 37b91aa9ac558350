package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ClientLimits;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits against abuse the core counts: connections in all, per user and per source address, subscriptions per
 * connection and queues per user. The one past a limit is refused with RESOURCE_LIMIT_EXCEEDED and a message naming
 * the setting; closing frees the place; others are not affected.
 */
class ClientLimitsTest {

    private TestBroker tb;

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void theConnectionPastTheBrokersLimitIsRefusedAndAClosedOneFreesItsPlace() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxConnections(2)).build();
        Session first = open(remote(1)).join();
        open(remote(2)).join();

        BrokerException e = failsWith(open(remote(3)), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("limits.max-connections");
        // In-process sessions (the broker's own work for a user) are not connections.
        assertThat(open(null).join().isClosed()).isFalse();

        first.close();
        assertThat(open(remote(3)).join().isClosed()).isFalse();
    }

    @Test
    void theConnectionPastAUsersLimitIsRefusedWhileAnotherUserConnects() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxConnectionsPerUser(3)).build();
        List<Session> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(open(remote(i)).join());
        }

        BrokerException e = failsWith(open(remote(3)), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("user 'admin' already has 3 connections", "limits.max-connections-per-user");
        // The system session is the broker's, never counted against anyone.
        assertThat(tb.broker().systemSession("/").isClosed()).isFalse();

        mine.get(0).close();
        assertThat(open(remote(3)).join().isClosed()).isFalse();
    }

    @Test
    void sessionsOfOneConnectionCountAsOneConnection() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxConnections(1)).build();
        ClientInfo client = new ClientInfo(tb.broker().newConnectionId(), "test", remote(1), "test", null);
        Session a = tb.broker().open("/", client, TestBroker.ADMIN, TestBroker.PASSWORD, new RecordingSink()).join();
        Session b = tb.broker().open("other", client, TestBroker.ADMIN, TestBroker.PASSWORD, new RecordingSink()).join();

        failsWith(open(remote(2)), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        a.close();
        failsWith(open(remote(2)), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        b.close();
        assertThat(open(remote(2)).join().isClosed()).isFalse();
    }

    @Test
    void theConnectionPastASourceAddressesLimitIsRefusedWhileAnotherAddressConnects() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxConnectionsPerSource(2)).build();
        InetSocketAddress one = new InetSocketAddress("192.0.2.10", 40000);
        InetSocketAddress otherPort = new InetSocketAddress("192.0.2.10", 40001);
        open(one).join();
        open(otherPort).join();

        BrokerException e = failsWith(open(new InetSocketAddress("192.0.2.10", 40002)),
                ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("limits.max-connections-per-source");
        assertThat(open(new InetSocketAddress("192.0.2.11", 40000)).join().isClosed()).isFalse();
    }

    @Test
    void theSubscriptionPastAConnectionsLimitIsRefusedAndAnotherConnectionStillSubscribes() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxConsumersPerConnection(2)).build();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
        var first = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        BrokerException e = failsWith(s.consume(Source.queue("q"), ConsumeOptions.credit(1)),
                ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("limits.max-consumers-per-connection");
        assertThat(tb.session(new RecordingSink()).consume(Source.queue("q"), ConsumeOptions.credit(1)).join())
                .isNotNull();

        first.close().join();
        assertThat(s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join()).isNotNull();
    }

    @Test
    void theQueuePastAUsersLimitIsRefusedUntilOneOfItsQueuesIsDeleted() {
        tb = TestBroker.builder().limits(ClientLimits.NONE.withMaxQueuesPerUser(2)).build();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("a")).join();
        s.admin().declareQueue(QueueDeclaration.durable("b")).join();
        // Declaring one that exists creates nothing: not refused.
        s.admin().declareQueue(QueueDeclaration.durable("a")).join();

        BrokerException e = failsWith(s.admin().declareQueue(QueueDeclaration.durable("c")),
                ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("limits.max-queues-per-user");
        assertThat(tb.queue("c")).isNull();

        s.admin().deleteQueue("a", false, false).join();
        s.admin().declareQueue(QueueDeclaration.durable("c")).join();
        assertThat(tb.queue("c")).isNotNull();
    }

    /** A client on another machine, each number its own address. */
    private static InetSocketAddress remote(int n) {
        return new InetSocketAddress("192.0.2." + (20 + n), 40000);
    }

    private CompletableFuture<Session> open(InetSocketAddress remote) {
        return tb.open(TestBroker.ADMIN, TestBroker.PASSWORD, remote, new RecordingSink());
    }
}
