package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/policies} in RabbitMQ's shape. FerryMQ's policies come from {@code broker.yaml} and apply in every
 * virtual host, so each is listed once per vhost; it is named by its pattern, applies to queues, and has priority 0
 * (the more specific pattern wins field by field instead).
 */
final class PolicyResource {

    private final Operator operator;

    PolicyResource(Operator operator) {
        this.operator = operator;
    }

    CompletableFuture<Reply> list(Call c) {
        String only = c.params().get("vhost");
        if (only != null && !operator.vhosts().contains(only)) {
            throw ApiException.notFound("no virtual host '" + only + "'");
        }
        List<Operator.PolicyView> policies = operator.policies();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String vhost : operator.vhosts()) {
            if (only != null && !only.equals(vhost)) {
                continue;
            }
            for (Operator.PolicyView p : policies) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("vhost", vhost);
                m.put("name", p.pattern());
                m.put("pattern", p.pattern());
                m.put("apply-to", "queues");
                m.put("definition", p.definition());
                m.put("priority", 0);
                out.add(m);
            }
        }
        return CompletableFuture.completedFuture(Reply.ok(out));
    }
}
