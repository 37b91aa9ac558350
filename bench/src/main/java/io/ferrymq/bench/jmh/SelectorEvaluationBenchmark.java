package io.ferrymq.bench.jmh;

import io.ferrymq.core.filter.selector.Selector;
import io.ferrymq.core.message.Message;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Evaluating compiled JMS selectors against a message, as a queue does for each filtered consumer. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectorEvaluationBenchmark {

    @Param({
        "color = 'red'",
        "JMSPriority > 3 AND region IN ('eu', 'us') AND price BETWEEN 10 AND 100 AND sku LIKE 'AB-%'",
        "quantity * price > 1000 OR (express = TRUE AND region <> 'apac')"
    })
    String selector;

    private Selector compiled;
    private Message message;

    @Setup
    public void setUp() {
        compiled = Selector.parse(selector);
        message = Message.builder().priority(7).body("{}".getBytes(StandardCharsets.UTF_8))
                .property("color", "red").property("region", "eu").property("price", 42.5)
                .property("sku", "AB-1234").property("quantity", 30).property("express", true).build();
    }

    @Benchmark
    public boolean evaluate() {
        return compiled.matches(message);
    }
}
