package io.ferrymq.bench.cli;

import io.ferrymq.bench.scenario.Scenario;
import io.ferrymq.bench.scenario.Scenarios;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ferrymq-bench scenarios}: lists the named scenarios. */
@Command(name = "scenarios", mixinStandardHelpOptions = true, description = "Lists the named scenarios.")
final class ScenariosCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (Scenario s : Scenarios.all()) {
            System.out.printf("%-30s %s%n", s.name(), s.description());
        }
        System.out.printf("%-30s %s%n", Scenarios.CONNECTIONS,
                "10,000 idle connections: time to connect, broker memory per connection (ferrymq-bench connections)");
        return 0;
    }
}
