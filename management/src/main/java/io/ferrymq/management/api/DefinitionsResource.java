package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.api.Operator;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;
import io.ferrymq.transport.BrokerVersion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code /api/definitions}: users, permissions, queues, exchanges and bindings as one JSON document in RabbitMQ's
 * {@code definitions.json} shape, and its import (administrators only). Password hashes are FerryMQ's own
 * ({@code pbkdf2-sha256:...}); a user may be imported with {@code password} instead. The broker's own objects
 * (the default and {@code amq.*} exchanges, temporary and exclusive queues) are left out.
 */
final class DefinitionsResource {

    private final Operator operator;
    private final CallerSessions sessions;
    private final Executor blocking;
    private final UserStore store;

    DefinitionsResource(Operator operator, CallerSessions sessions, Executor blocking, UserStore store) {
        this.operator = operator;
        this.sessions = sessions;
        this.blocking = blocking;
        this.store = store;
    }

    CompletableFuture<Reply> export(Call c) {
        c.caller().requireAdministrator();
        Map<String, Object> d = new LinkedHashMap<>();
        String version = BrokerVersion.text();
        d.put("rabbit_version", version);
        d.put("rabbitmq_version", version);
        d.put("product_name", "FerryMQ");
        d.put("product_version", version);
        List<Map<String, Object>> users = new ArrayList<>();
        for (Operator.UserView u : operator.users()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", u.name());
            m.put("password_hash", operator.passwordHash(u.name()));
            m.put("hashing_algorithm", "ferrymq_pbkdf2_sha256");
            m.put("tags", u.roles().stream().sorted().toList());
            users.add(m);
        }
        d.put("users", users);
        d.put("vhosts", operator.vhosts().stream().map(v -> Map.of("name", v)).toList());
        d.put("permissions", Shapes.all(operator.permissions().stream().filter(p -> p.user() != null).toList(),
                Shapes::permission));
        d.put("topic_permissions", List.of());
        d.put("parameters", List.of());
        d.put("global_parameters", List.of());
        d.put("policies", List.of());
        List<Map<String, Object>> queues = new ArrayList<>();
        for (Operator.QueueView q : operator.queues()) {
            if (!q.exclusive() && !q.name().startsWith("amq.")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", q.name());
                m.put("vhost", q.vhost());
                m.put("durable", q.durable());
                m.put("auto_delete", q.autoDelete());
                m.put("arguments", q.arguments());
                queues.add(m);
            }
        }
        d.put("queues", queues);
        d.put("exchanges", Shapes.all(operator.exchanges().stream()
                .filter(e -> !e.name().isEmpty() && !e.name().startsWith("amq.")).toList(), Shapes::exchange));
        List<Map<String, Object>> bindings = new ArrayList<>();
        Set<String> exportedQueues = new LinkedHashSet<>();
        queues.forEach(q -> exportedQueues.add(q.get("vhost") + "\u0000" + q.get("name")));
        for (Operator.BindingView b : operator.bindings()) {
            boolean toExportedQueue = !b.destinationType().equals("queue")
                    || exportedQueues.contains(b.vhost() + "\u0000" + b.destination());
            if (!b.source().isEmpty() && toExportedQueue) {
                Map<String, Object> m = Shapes.binding(b);
                m.remove("properties_key");
                bindings.add(m);
            }
        }
        d.put("bindings", bindings);
        return CompletableFuture.completedFuture(Reply.ok(d));
    }

    /** Applies a definitions document: users, then permissions, exchanges, queues and bindings, in that order. */
    CompletableFuture<Reply> importDefinitions(Call c) {
        c.caller().requireAdministrator();
        JsonNode doc = Bodies.object(c.request().json());
        Set<String> unknown = new LinkedHashSet<>();
        for (String section : List.of("permissions", "queues", "exchanges", "bindings")) {
            doc.path(section).forEach(item -> {
                String v = item.path("vhost").asText("/");
                if (!operator.vhosts().contains(v)) {
                    unknown.add(v);
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("the definitions name virtual hosts this broker does not have: " + unknown
                    + "; add them to vhosts in broker.yaml first");
        }
        List<Supplier<CompletableFuture<?>>> steps = new ArrayList<>();
        doc.path("users").forEach(u -> steps.add(() -> importUser(u)));
        doc.path("permissions").forEach(p -> steps.add(() -> {
            String user = p.path("user").asText();
            String vhost = p.path("vhost").asText("/");
            operator.setPermission(user, vhost, p.path("configure").asText(""), p.path("write").asText(""),
                    p.path("read").asText(""));
            return store.savePermissions(user, vhost);
        }));
        doc.path("exchanges").forEach(e -> steps.add(() -> {
            ExchangeType type;
            try {
                type = ExchangeType.parse(e.path("type").asText("direct"));
            } catch (IllegalArgumentException bad) {
                throw ApiException.badRequest("exchange " + e.path("name").asText() + ": " + bad.getMessage());
            }
            ExchangeDeclaration d = new ExchangeDeclaration(e.path("name").asText(), type,
                    e.path("durable").asBoolean(true), e.path("auto_delete").asBoolean(false),
                    e.path("internal").asBoolean(false), Bodies.map(e, "arguments"), false);
            return sessions.run(c.caller(), c.request().remote(), e.path("vhost").asText("/"),
                    s -> s.admin().declareExchange(d));
        }));
        doc.path("queues").forEach(q -> steps.add(() -> {
            QueueDeclaration d = new QueueDeclaration(q.path("name").asText(), q.path("durable").asBoolean(true), false,
                    q.path("auto_delete").asBoolean(false), Bodies.map(q, "arguments"), false);
            return sessions.run(c.caller(), c.request().remote(), q.path("vhost").asText("/"),
                    s -> s.admin().declareQueue(d));
        }));
        doc.path("bindings").forEach(b -> steps.add(() -> {
            BindingTarget.Kind kind = "exchange".equals(b.path("destination_type").asText("queue"))
                    ? BindingTarget.Kind.EXCHANGE : BindingTarget.Kind.QUEUE;
            BindingDeclaration d = new BindingDeclaration(b.path("source").asText(), kind, b.path("destination").asText(),
                    b.path("routing_key").asText(""), Bodies.map(b, "arguments"), null);
            return sessions.run(c.caller(), c.request().remote(), b.path("vhost").asText("/"), s -> s.admin().bind(d));
        }));
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (Supplier<CompletableFuture<?>> step : steps) {
            chain = chain.thenCompose(v -> step.get());
        }
        return chain.thenApply(v -> Reply.noContent());
    }

    private CompletableFuture<?> importUser(JsonNode u) {
        String name = u.path("name").asText();
        if (name.isEmpty()) {
            throw ApiException.badRequest("every user in the definitions needs a name");
        }
        Set<String> tags = Bodies.tags(u);
        String password = u.hasNonNull("password") ? u.get("password").asText() : null;
        String hash = u.hasNonNull("password_hash") ? u.get("password_hash").asText() : null;
        if (password == null && (hash == null || !hash.startsWith("pbkdf2-sha256:"))) {
            throw ApiException.badRequest("user '" + name + "': only FerryMQ password hashes (pbkdf2-sha256:...) can be"
                    + " imported; give the user a password instead");
        }
        return CompletableFuture.runAsync(() -> {
            if (password != null) {
                operator.putUser(name, password, tags);
            } else {
                operator.putUserWithHash(name, hash, tags);
            }
        }, blocking).thenCompose(v -> store.saveUser(name));
    }
}
