package io.ferrymq.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.load.ProcessCountersProbe;
import io.ferrymq.bench.stats.ProcessCounters;
import io.ferrymq.bench.stats.ThreadGroupCounters;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersReportTest {

    @Test
    void oneBlockCarriesTheBrokersCompilerShareSwitchesAndThreadGroups() {
        // over 2 s and 1,000 messages: 40 ms of broker CPU, 10 of them compiling; 100 ms of the load generator's
        ProcessCounters broker = new ProcessCounters(40_000_000, new TreeMap<>(Map.of(
                "C2 CompilerThre", new ThreadGroupCounters(10_000_000, 100),
                "ferrymq-io", new ThreadGroupCounters(20_000_000, 1_500))));
        ObjectNode report = JsonReports.MAPPER.createObjectNode();

        JsonReports.processCounters(report, new ProcessCountersProbe.Counts(broker, 100_000_000, 2, 1_000));

        JsonNode threads = report.get("brokerThreads");
        assertThat(threads.get("messages").asLong()).isEqualTo(1_000);
        assertThat(threads.get("nonCompilerMicrosPerMessage").asDouble()).isEqualTo(30.0);
        assertThat(threads.get("compilerShare").asDouble()).isEqualTo(0.25);
        assertThat(threads.get("contextSwitchesPerMessage").asDouble()).isEqualTo(1.6);
        JsonNode io = threads.get("perMessageByThreadGroup").get("ferrymq-io");
        assertThat(io.get("cpuMicros").asDouble()).isEqualTo(20.0);
        assertThat(io.get("contextSwitches").asDouble()).isEqualTo(1.5);
        assertThat(report.get("loadGeneratorCpu").get("cores").asDouble()).isEqualTo(0.05);
        assertThat(report.has("brokerSwitches")).as("no second block of switches").isFalse();
    }
}
