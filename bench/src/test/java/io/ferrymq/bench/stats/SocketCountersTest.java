package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SocketCountersTest {

    /** Two connections as {@code ss -tinH state established '( sport = :61613 )'} prints them (trimmed). */
    private static final String SS = """
            0      174    [::ffff:127.0.0.1]:61613 [::ffff:127.0.0.1]:33712
            \t bbr wscale:10,10 rto:204 rtt:0.014/0.006 mss:50688 cwnd:18 bytes_sent:2427525 bytes_retrans:1537 \
            bytes_acked:2425814 bytes_received:97710564 segs_out:37450 segs_in:68636 data_segs_out:25455 \
            data_segs_in:67579 delivered:25454 app_limited
            0      29118  [::ffff:127.0.0.1]:61613 [::ffff:127.0.0.1]:33708
            \t bbr wscale:10,10 rto:204 rtt:0.408/0.646 mss:65483 cwnd:22 bytes_sent:106537435 bytes_retrans:139585 \
            bytes_acked:106368732 bytes_received:200 segs_out:21650 segs_in:7827 data_segs_out:21648 data_segs_in:2
            """;

    @Test
    void sumsTheCountersOfEveryConnection() {
        SocketCounters c = SocketCounters.parse(SS);
        assertThat(c.connections()).isEqualTo(2);
        assertThat(c.bytesOut()).isEqualTo(2_427_525L + 106_537_435L);
        assertThat(c.bytesIn()).isEqualTo(97_710_564L + 200L);
        assertThat(c.segmentsOut()).isEqualTo(25_455L + 21_648L);
        assertThat(c.segmentsIn()).isEqualTo(67_579L + 2L);
    }

    @Test
    void noConnectionsCountNothing() {
        assertThat(SocketCounters.parse("")).isEqualTo(new SocketCounters(0, 0, 0, 0, 0));
    }

    @Test
    void differenceOfTwoReadings() {
        SocketCounters later = new SocketCounters(2, 1_000, 500, 40, 30);
        assertThat(later.minus(new SocketCounters(2, 400, 100, 10, 20))).isEqualTo(new SocketCounters(2, 600, 400, 30, 10));
    }
}
