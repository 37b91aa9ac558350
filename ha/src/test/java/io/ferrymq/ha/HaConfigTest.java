package io.ferrymq.ha;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaConfigTest {

    private static Map<String, Object> section() {
        Map<String, Object> m = new HashMap<>();
        m.put("node-id", "node-a");
        m.put("replication", "127.0.0.1:7701");
        m.put("peer", "127.0.0.1:7702");
        m.put("zookeeper", "127.0.0.1:2181");
        return m;
    }

    @Test
    void defaultsAreOneSecondAndServingAlone() {
        HaConfig c = HaConfig.from(section());
        assertThat(c.failoverTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.alonePolicy()).isEqualTo(AlonePolicy.SERVE);
        assertThat(c.cluster()).isEqualTo("ferrymq");
        assertThat(c.peer().getPort()).isEqualTo(7702);
    }

    @Test
    void readsEverySetting() {
        Map<String, Object> m = section();
        m.put("failover-timeout", "800ms");
        m.put("alone-policy", "refuse-persistent");
        m.put("cluster", "orders");
        HaConfig c = HaConfig.from(m);
        assertThat(c.failoverTimeout()).isEqualTo(Duration.ofMillis(800));
        assertThat(c.alonePolicy()).isEqualTo(AlonePolicy.REFUSE_PERSISTENT);
        assertThat(c.cluster()).isEqualTo("orders");
    }

    @Test
    void mistakesNameTheSetting() {
        Map<String, Object> unknown = section();
        unknown.put("failover", "1s");
        assertThatThrownBy(() -> HaConfig.from(unknown)).hasMessageContaining("ha.failover");
        Map<String, Object> missing = section();
        missing.remove("peer");
        assertThatThrownBy(() -> HaConfig.from(missing)).hasMessage("ha.peer is missing");
        Map<String, Object> policy = section();
        policy.put("alone-policy", "panic");
        assertThatThrownBy(() -> HaConfig.from(policy)).hasMessageContaining("serve or refuse-persistent");
        Map<String, Object> address = section();
        address.put("replication", "7701");
        assertThatThrownBy(() -> HaConfig.from(address)).hasMessageContaining("ha.replication must be host:port");
    }
}
