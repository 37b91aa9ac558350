package io.ferrymq.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The {@code Statement} list of an access policy document, as SQS and SNS AddPermission / RemovePermission edit
 * it: each statement named by its {@code Sid}, the permission's label.
 */
public final class PolicyStatements {

    private PolicyStatements() {
    }

    public static boolean has(ArrayNode statements, String sid) {
        for (JsonNode s : statements) {
            if (sid.equals(s.path("Sid").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Removes every statement named {@code sid}; false when there was none. */
    public static boolean remove(ArrayNode statements, String sid) {
        boolean removed = false;
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (sid.equals(statements.get(i).path("Sid").asText())) {
                statements.remove(i);
                removed = true;
            }
        }
        return removed;
    }
}
