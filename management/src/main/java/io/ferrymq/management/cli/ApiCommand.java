package io.ferrymq.management.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command over the management API: it prints to picocli's streams and says what went wrong in one line. */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    ApiOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            run(new ManagementApi(options), out);
            out.flush();
            return 0;
        } catch (CliException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("ferrymq: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
    }

    abstract void run(ManagementApi api, PrintWriter out);

    boolean json() {
        return options.json;
    }
}
