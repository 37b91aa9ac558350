package io.ferrymq.bench.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.bench.report.Comparison;
import io.ferrymq.bench.report.JsonReports;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqsReportTest {

    private static SqsResult result(long receivedInWindow, long duplicated) {
        SqsCounts window = new SqsCounts(receivedInWindow, 0, receivedInWindow / 10, receivedInWindow, 100, 3,
                receivedInWindow, 0, 97, 0);
        return new SqsResult(SqsSpec.defaults(), "r1", "http://127.0.0.1:9324/000000000000/q", 10.0, window, window,
                new LatencySummary(100, 2500, 2000, 9000, 12000, 15000), LatencySummary.EMPTY, LatencySummary.EMPTY,
                new LatencySummary(10, 4000, 3000, 8000, 8000, 8000),
                new Integrity(receivedInWindow, receivedInWindow + duplicated, 0, duplicated, 0, 0, 0), 0, 2.5, 0, List.of());
    }

    @Test
    void theTableShowsRatesLatenciesPerActionAndIntegrity() {
        String t = SqsReport.table(result(50_000, 0), "ferrymq");
        assertThat(t).contains("ferrymq: sqs batch 10 clients (run r1")
                .contains("10 producer(s) x SendMessageBatch of 10 x 1024 B")
                .containsPattern("sent\\s+50000\\s+5000\\s+5\\.12\\s+5000\\s+500")
                .containsPattern("SendMessageBatch\\s+2\\.000\\s+9\\.000")
                .contains("DeleteMessageBatch").contains("end-to-end")
                .contains("2.50 s of CPU in the window = 50 µs per message (0.25 cores)")
                .contains("0 lost (0 of them accepted), 0 duplicated")
                .doesNotContain("NOT CLEAN");
        assertThat(SqsReport.table(result(50_000, 3), null)).contains("3 duplicated").contains("NOT CLEAN");
    }

    @Test
    void acceptedMessagesStillInTheQueueAreNotCountedAsLostByTheBroker() {
        SqsCounts c = new SqsCounts(1000, 0, 100, 900, 90, 0, 900, 0, 90, 0);
        Integrity missing = new Integrity(1000, 900, 100, 0, 0, 0, 100);
        SqsResult queued = new SqsResult(SqsSpec.defaults(), "r", "u", 1.0, c, c, LatencySummary.EMPTY,
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, missing, 100, -1, 0, List.of());
        assertThat(SqsReport.clean(queued)).isTrue();
        assertThat(SqsReport.table(queued, null)).contains("100 message(s) still in the queue after the drain (so not lost")
                .doesNotContain("NOT CLEAN");
        SqsResult gone = new SqsResult(SqsSpec.defaults(), "r", "u", 1.0, c, c, LatencySummary.EMPTY,
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, missing, 40, -1, 0, List.of());
        assertThat(SqsReport.clean(gone)).isFalse();
        assertThat(SqsReport.table(gone, null)).contains("40 message(s) still in the queue").contains("NOT CLEAN");
        SqsResult unknown = new SqsResult(SqsSpec.defaults(), "r", "u", 1.0, c, c, LatencySummary.EMPTY,
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, missing, -1, -1, 0, List.of());
        assertThat(SqsReport.clean(unknown)).isFalse();
        assertThat(SqsReport.json(unknown, "x", Instant.EPOCH).path("integrity").path("clean").asBoolean()).isFalse();
    }

    @Test
    void theJsonFeedsTheCompareCommandsMediansAndRatioLine() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> runs = new ArrayList<>();
        long[] ferry = {30_000, 36_000, 33_000};
        long[] elastic = {20_000, 24_000, 22_000};
        for (int i = 0; i < 3; i++) {
            runs.add(mapper.readTree(JsonReports.write(SqsReport.json(result(ferry[i] * 10, 0), "ferrymq", Instant.EPOCH))));
            runs.add(mapper.readTree(JsonReports.write(SqsReport.json(result(elastic[i] * 10, 0), "elasticmq", Instant.EPOCH))));
        }
        JsonNode one = runs.get(0);
        assertThat(one.path("type").asText()).isEqualTo("load");
        assertThat(one.path("spec").path("protocol").asText()).isEqualTo("sqs");
        assertThat(one.path("actionLatencyMicros").path("SendMessageBatch").path("p99").asLong()).isEqualTo(9000);
        assertThat(one.path("deleted").path("msgsPerSec").asDouble()).isEqualTo(30_000);
        assertThat(one.path("brokerCpuMicrosPerMessage").asDouble()).isEqualTo(2.5e6 / 300_000);
        List<Comparison.Cell> cells = Comparison.cells(runs);
        assertThat(cells).hasSize(2);
        assertThat(cells.get(0).rate()).isEqualTo(33_000);
        assertThat(Comparison.ratioLines(cells, "ferrymq")).containsExactly("sqs batch 10 clients: ferrymq/elasticmq = 1.50");
    }
}
