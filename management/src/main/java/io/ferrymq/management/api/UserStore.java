package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Operator;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.management.http.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps the users and per-user permissions an operator changed through the API across restarts, in the broker's
 * durable state (broker.yaml is the operator's file: the broker never rewrites it). At start the stored changes
 * are applied over what broker.yaml declares: a user created, changed or deleted through the API stays so.
 */
final class UserStore {

    private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
    static final String USERS = "management.users";
    static final String PERMISSIONS = "management.permissions";

    private final Operator operator;
    private final StateStore users;
    private final StateStore permissions;

    UserStore(Broker broker) {
        this.operator = broker.operator();
        this.users = broker.stateStore(USERS);
        this.permissions = broker.stateStore(PERMISSIONS);
    }

    /** Applies what was stored; a record that cannot be read is skipped with a warning. */
    void restore() {
        int applied = 0;
        for (Map.Entry<String, byte[]> e : users.all().entrySet()) {
            try {
                JsonNode v = Reply.JSON.readTree(e.getValue());
                if (v.path("deleted").asBoolean(false)) {
                    try {
                        operator.deleteUser(e.getKey());
                    } catch (RuntimeException refused) {
                        LOG.warn("Stored deletion of user '{}' not applied: {}", e.getKey(), refused.getMessage());
                    }
                } else {
                    Set<String> tags = new LinkedHashSet<>();
                    v.path("tags").forEach(t -> tags.add(t.asText()));
                    operator.putUserWithHash(e.getKey(), v.path("password_hash").asText(), tags);
                }
                applied++;
            } catch (IOException | RuntimeException bad) {
                LOG.warn("Stored management change of user '{}' cannot be read, skipped: {}", e.getKey(), bad.getMessage());
            }
        }
        for (byte[] value : permissions.all().values()) {
            try {
                JsonNode v = Reply.JSON.readTree(value);
                operator.setPermission(v.path("user").asText(), v.path("vhost").asText(), v.path("configure").asText(),
                        v.path("write").asText(), v.path("read").asText());
                applied++;
            } catch (IOException | RuntimeException bad) {
                LOG.warn("A stored permission change cannot be applied, skipped: {}", bad.getMessage());
            }
        }
        if (applied > 0) {
            LOG.info("Applied {} user and permission change(s) made through the management API", applied);
        }
    }

    CompletableFuture<Void> saveUser(String name) {
        Operator.UserView u = operator.users().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (u == null) {
            return forgetUser(name);
        }
        ObjectNode v = Reply.JSON.createObjectNode();
        v.put("password_hash", operator.passwordHash(name));
        u.roles().stream().sorted().forEach(v.putArray("tags")::add);
        return users.put(name, bytes(v));
    }

    CompletableFuture<Void> forgetUser(String name) {
        ObjectNode v = Reply.JSON.createObjectNode();
        v.put("deleted", true);
        return users.put(name, bytes(v));
    }

    CompletableFuture<Void> savePermissions(String user, String vhost) {
        String key = vhost.length() + ":" + vhost + user;
        // One rule per pattern: a user with different patterns for configure, write and read has several.
        String configure = "";
        String write = "";
        String read = "";
        for (Operator.PermissionView p : operator.permissions()) {
            if (user.equals(p.user()) && vhost.equals(p.vhost())) {
                configure = p.configure().isEmpty() ? configure : p.configure();
                write = p.write().isEmpty() ? write : p.write();
                read = p.read().isEmpty() ? read : p.read();
            }
        }
        ObjectNode v = Reply.JSON.createObjectNode();
        v.put("user", user);
        v.put("vhost", vhost);
        v.put("configure", configure);
        v.put("write", write);
        v.put("read", read);
        return permissions.put(key, bytes(v));
    }

    private static byte[] bytes(JsonNode v) {
        return v.toString().getBytes(StandardCharsets.UTF_8);
    }
}
