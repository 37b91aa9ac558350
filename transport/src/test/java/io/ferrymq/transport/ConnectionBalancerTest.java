package io.ferrymq.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConnectionBalancerTest {

    private final ConnectionBalancer balancer = new ConnectionBalancer();
    private final EventLoopGroup loops = EventLoops.group(2, "balancer-test", balancer);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel connect() {
        Channel ch = EventLoops.nativeAvailable() ? new EpollSocketChannel() : new NioSocketChannel();
        loops.register(ch).syncUninterruptibly();
        balancer.track(ch);
        return ch;
    }

    @Test
    void aNewConnectionGoesToTheLoopWithFewerOpenConnectionsWhereRoundRobinWouldNot() {
        Channel a = connect();
        Channel b = connect();
        assertThat(a.eventLoop()).isNotSameAs(b.eventLoop());

        b.close().syncUninterruptibly();
        await().atMost(10, TimeUnit.SECONDS).until(() -> Arrays.stream(balancer.openPerLoop()).sum() == 1);
        // Round robin's third pick would be a's loop again, leaving the other idle.
        Channel c = connect();

        assertThat(c.eventLoop()).isSameAs(b.eventLoop());
        assertThat(balancer.openPerLoop()).containsExactlyInAnyOrder(1, 1);
        a.close().syncUninterruptibly();
        c.close().syncUninterruptibly();
        await().atMost(10, TimeUnit.SECONDS).until(() -> Arrays.stream(balancer.openPerLoop()).sum() == 0);
    }

    @Test
    void aBurstOfConnectionsSpreadsEvenlyBeforeAnyIsSetUp() {
        for (int i = 0; i < 10; i++) {
            Channel ch = EventLoops.nativeAvailable() ? new EpollSocketChannel() : new NioSocketChannel();
            loops.register(ch);
        }
        assertThat(balancer.openPerLoop()).containsExactly(5, 5);
    }
}
