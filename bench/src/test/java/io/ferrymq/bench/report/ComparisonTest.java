package io.ferrymq.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.bench.load.BrokerCpuProbe;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.bench.scenario.ConnectionScaleResult;
import io.ferrymq.bench.scenario.Scenarios;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ComparisonTest {

    private static JsonNode run(String label, double rate, long lost) {
        LoadSpec spec = Scenarios.named("stomp-queue-10x10-persistent").orElseThrow().spec();
        RunResult r = new RunResult(spec, "abc", 10, Throughput.of((long) (rate * 10), 1024, 10),
                Throughput.of((long) (rate * 10), 1024, 10), new LatencySummary(100, 900, 800, 2000, 3000, 4000),
                LatencySummary.EMPTY, 100, 0, 0, new Integrity(100, 100 - lost, lost, 0, 0, 0, 0), 0, List.of());
        return JsonReports.load(r, new JsonReports.Context(label, "stomp-queue-10x10-persistent", Instant.EPOCH));
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheMiddleTwo() {
        assertThat(Comparison.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Comparison.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Comparison.median(List.of())).isNaN();
    }

    @Test
    void ratioLinesCompareTheBaselinesMedianWithEachPeersMedian() {
        List<JsonNode> results = new ArrayList<>();
        for (double[] round : new double[][] {{1700, 1000}, {1500, 900}, {3400, 1100}}) {
            results.add(run("ferrymq", round[0], 0));
            results.add(run("artemis", round[1], 0));
        }
        List<Comparison.Cell> cells = Comparison.cells(results);
        assertThat(cells).extracting(Comparison.Cell::runs).containsExactly(3, 3);
        assertThat(cells.get(0).rate()).isEqualTo(1700.0);
        assertThat(cells.get(0).rateMin()).isEqualTo(1500.0);
        assertThat(cells.get(0).rateMax()).isEqualTo(3400.0);
        assertThat(Comparison.ratioLines(cells, "ferrymq"))
                .containsExactly("stomp queue 10x10 persistent: ferrymq/artemis = 1.70");
    }

    @Test
    void brokerCpuPerMessageIsComparedWhereBothBrokersMeasuredIt() {
        List<JsonNode> results = new ArrayList<>();
        for (double[] round : new double[][] {{10, 30}, {12, 40}, {30, 20}}) {
            JsonNode ferry = run("ferrymq", 2000, 0);
            JsonReports.brokerCpu((com.fasterxml.jackson.databind.node.ObjectNode) ferry, 1,
                    new BrokerCpuProbe.BrokerCpu(round[0] / 1e6 * 1000, 1000));
            JsonNode peer = run("activemq", 1000, 0);
            JsonReports.brokerCpu((com.fasterxml.jackson.databind.node.ObjectNode) peer, 2,
                    new BrokerCpuProbe.BrokerCpu(round[1] / 1e6 * 1000, 1000));
            results.add(ferry);
            results.add(peer);
        }
        results.add(run("rabbitmq", 500, 0)); // ran without --broker-pid

        List<Comparison.Cell> cells = Comparison.cells(results);
        assertThat(cells.get(0).cpuMicrosPerMessage()).isCloseTo(12.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cells.get(1).cpuMicrosPerMessage()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cells.get(2).cpuMicrosPerMessage()).isNaN();
        assertThat(Comparison.ratioLines(cells, "ferrymq")).containsExactly(
                "stomp queue 10x10 persistent: ferrymq/activemq = 2.00; broker CPU per message ferrymq/activemq = 0.40",
                "stomp queue 10x10 persistent: ferrymq/rabbitmq = 4.00");
        assertThat(Comparison.render(cells, "ferrymq", 2)).contains("CPU us/msg").contains("12.00").contains("30.00");
    }

    @Test
    void lossIsSummedOverRunsAndShownInTheTable() {
        List<Comparison.Cell> cells = Comparison.cells(List.of(run("ferrymq", 100, 2), run("ferrymq", 100, 3)));
        assertThat(cells.get(0).lost()).isEqualTo(5);
        assertThat(Comparison.render(cells, "ferrymq", 2)).contains("machine: 2 cores").contains("stomp-queue-10x10-persistent");
    }

    @Test
    void connectionScaleComparesConnectRateAndMemoryPerConnection() {
        JsonNode ferry = JsonReports.connections(new ConnectionScaleResult(10_000, 10_000, 0, 5, 2000, 100_000, 150_000,
                5120, List.of()), new JsonReports.Context("ferrymq", Scenarios.CONNECTIONS, Instant.EPOCH));
        JsonNode peer = JsonReports.connections(new ConnectionScaleResult(10_000, 10_000, 0, 10, 1000, 100_000, 200_000,
                10240, List.of()), new JsonReports.Context("rabbitmq", Scenarios.CONNECTIONS, Instant.EPOCH));
        assertThat(Comparison.ratioLines(Comparison.cells(List.of(ferry, peer)), "ferrymq")).containsExactly(
                "stomp connections 10000: ferrymq/rabbitmq = 2.00 (connections/s); memory per connection ferrymq/rabbitmq = 0.50");
    }
}
