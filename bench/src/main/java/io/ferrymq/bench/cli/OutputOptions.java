package io.ferrymq.bench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.report.JsonReports;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the report goes: the human table on standard output, JSON to a file or instead of the table. */
final class OutputOptions {

    @Option(names = "--label", description = "Name of the broker under test, recorded in the JSON (e.g. ferrymq, artemis).")
    String label;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE ('-': standard output, instead of the table).")
    String json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    boolean quiet;

    /** Prints the table (unless JSON goes to standard output) and writes the JSON if asked. */
    void emit(PrintStream out, String table, ObjectNode json) throws IOException {
        if ("-".equals(this.json)) {
            out.println(JsonReports.write(json));
            return;
        }
        out.print(table);
        if (this.json != null) {
            Path p = Path.of(this.json);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Files.writeString(p, JsonReports.write(json) + "\n");
        }
    }
}
