package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows of a JSON array printed as aligned columns, each column a field path ({@code queue.name}). */
final class Table {

    private Table() {
    }

    static void print(PrintWriter out, JsonNode rows, String... columns) {
        List<String[]> lines = new ArrayList<>();
        lines.add(columns);
        for (JsonNode row : rows) {
            String[] cells = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                JsonNode v = row;
                for (String part : columns[i].split("\\.")) {
                    v = v.path(part);
                }
                cells[i] = v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
            }
            lines.add(cells);
        }
        int[] width = new int[columns.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                b.append(i == l.length - 1 ? l[i] : String.format("%-" + width[i] + "s  ", l[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static void json(PrintWriter out, JsonNode value) {
        try {
            out.println(ManagementApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException(CliException.REFUSED, "cannot print the answer as JSON: " + e.getOriginalMessage());
        }
    }
}
