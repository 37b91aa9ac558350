package io.ferrymq.ha;

import io.ferrymq.core.api.ClusterView;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The active's view of the pair for the operator: role, mode and how far the standby lags behind the journal. */
class ReplicationLagTest {

    private final ActiveReplicator active = new ActiveReplicator("node-a", 3, AlonePolicy.SERVE,
            standby -> CompletableFuture.completedFuture(null), () -> { });

    @Test
    void anActiveWithoutAStandbyIsAloneWithNoLag() {
        active.replicate(1, new byte[100]);
        assertThat(active.current()).isEqualTo(new ClusterView("alone", "alone", 3, "node-a", null, 0, 0, 0));
    }

    @Test
    void entriesTheStandbyHasNotAcknowledgedAreItsLagUntilItAcknowledgesThem() {
        EmbeddedChannel channel = new EmbeddedChannel();
        active.connected(channel, new ReplicationMessage.Hello(3, "node-b"));
        active.replicate(10, new byte[100]);
        active.replicate(11, new byte[50]);

        ClusterView lagging = active.current();
        assertThat(lagging.role()).isEqualTo("active");
        assertThat(lagging.mode()).isEqualTo("catching-up");
        assertThat(lagging.peer()).isEqualTo("node-b");
        assertThat(lagging.epoch()).isEqualTo(3);
        assertThat(lagging.lagEntries()).isEqualTo(2);
        assertThat(lagging.lagBytes()).isEqualTo(150);
        assertThat(lagging.lagOldestMillis()).isGreaterThanOrEqualTo(0);

        active.acked(channel, new ReplicationMessage.Ack(3, 10));
        assertThat(active.current().lagEntries()).isEqualTo(1);
        assertThat(active.current().lagBytes()).isEqualTo(50);

        active.acked(channel, new ReplicationMessage.Ack(3, 11));
        assertThat(active.current().lagEntries()).isZero();
        assertThat(active.current().lagBytes()).isZero();
        assertThat(active.current().lagOldestMillis()).isZero();

        active.replicate(12, new byte[10]);
        active.disconnected(channel, "test");
        assertThat(active.current().role()).isEqualTo("alone");
        assertThat(active.current().lagEntries()).isZero();
    }
}
