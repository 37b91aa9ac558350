package io.ferrymq.bench.report;

import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTableTest {

    private static RunResult result(Integrity integrity) {
        return new RunResult(LoadSpec.defaults(), "r1", 30, Throughput.of(300_000, 1024, 30),
                Throughput.of(299_000, 1024, 30), new LatencySummary(299_000, 1500, 1234, 5678, 9012, 20_000),
                LatencySummary.EMPTY, 300_000, 0, 0, integrity, 0, List.of());
    }

    @Test
    void theTableShowsRatesAndLatencyInMilliseconds() {
        String table = ReportTable.render(result(new Integrity(10, 10, 0, 0, 0, 0, 0)), "ferrymq");
        assertThat(table).contains("ferrymq: stomp queue 1x1").contains("10000").contains("1.234").contains("5.678")
                .doesNotContain("NOT CLEAN");
    }

    @Test
    void lossIsFlagged() {
        assertThat(ReportTable.render(result(new Integrity(10, 9, 1, 0, 0, 0, 0)), null)).contains("1 lost").contains("NOT CLEAN");
    }
}
