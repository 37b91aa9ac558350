package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code /api/users}, {@code /api/whoami} and {@code /api/permissions} (administrators only, but whoami).
 * Changes apply at once, without a restart: the next login sees them. They are kept across restarts by
 * {@link UserStore}.
 */
final class UserResource {

    private final Operator operator;
    private final Executor blocking;
    private final UserStore store;

    UserResource(Operator operator, Executor blocking, UserStore store) {
        this.operator = operator;
        this.blocking = blocking;
        this.store = store;
    }

    CompletableFuture<Reply> whoami(Call c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.caller().name());
        m.put("tags", c.caller().tags());
        return done(Reply.ok(m));
    }

    CompletableFuture<Reply> list(Call c) {
        c.caller().requireAdministrator();
        return done(Reply.ok(Shapes.all(operator.users(), Shapes::user)));
    }

    CompletableFuture<Reply> get(Call c) {
        c.caller().requireAdministrator();
        return done(Reply.ok(Shapes.user(find(c.param("name")))));
    }

    private Operator.UserView find(String name) {
        return operator.users().stream().filter(u -> u.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no user '" + name + "'"));
    }

    /** Creates or changes a user: {@code password} (or {@code password_hash}) and {@code tags}, its roles. */
    CompletableFuture<Reply> put(Call c) {
        c.caller().requireAdministrator();
        String name = c.param("name");
        JsonNode body = Bodies.object(c.request().json());
        String password = Bodies.text(body, "password", null);
        String hash = Bodies.text(body, "password_hash", null);
        Set<String> tags = Bodies.tags(body);
        boolean existed = operator.users().stream().anyMatch(u -> u.name().equals(name));
        if (!existed && password == null && (hash == null || hash.isEmpty())) {
            throw ApiException.badRequest("a new user needs a password (or a password_hash)");
        }
        // Hashing a password is deliberately slow: not on the event loop.
        return CompletableFuture.supplyAsync(() -> {
            if (password == null && hash != null && !hash.isEmpty()) {
                operator.putUserWithHash(name, hash, tags);
            } else {
                operator.putUser(name, password, tags);
            }
            return null;
        }, blocking).thenCompose(v -> store.saveUser(name)).thenApply(v -> Reply.created(!existed));
    }

    CompletableFuture<Reply> delete(Call c) {
        c.caller().requireAdministrator();
        String name = c.param("name");
        if (name.equals(c.caller().name())) {
            throw ApiException.badRequest("user '" + name + "' cannot delete itself");
        }
        if (!operator.deleteUser(name)) {
            throw ApiException.notFound("no user '" + name + "'");
        }
        return store.forgetUser(name).thenApply(v -> Reply.noContent());
    }

    CompletableFuture<Reply> permissions(Call c) {
        c.caller().requireAdministrator();
        String user = c.params().get("user");
        String vhost = c.params().get("vhost");
        return done(Reply.ok(Shapes.all(operator.permissions().stream()
                .filter(p -> user == null || user.equals(p.user()))
                .filter(p -> vhost == null || vhost.equals(p.vhost())).toList(), Shapes::permission)));
    }

    /** RabbitMQ's {@code {"configure": ".*", "write": ".*", "read": ".*"}} for one user in one vhost. */
    CompletableFuture<Reply> putPermission(Call c) {
        c.caller().requireAdministrator();
        String vhost = c.param("vhost");
        String user = c.param("user");
        find(user);
        JsonNode body = Bodies.object(c.request().json());
        boolean existed = operator.permissions().stream().anyMatch(p -> user.equals(p.user()) && vhost.equals(p.vhost()));
        operator.setPermission(user, vhost, Bodies.text(body, "configure", ""), Bodies.text(body, "write", ""),
                Bodies.text(body, "read", ""));
        return store.savePermissions(user, vhost).thenApply(v -> Reply.created(!existed));
    }

    CompletableFuture<Reply> deletePermission(Call c) {
        c.caller().requireAdministrator();
        operator.clearPermission(c.param("user"), c.param("vhost"));
        return store.savePermissions(c.param("user"), c.param("vhost")).thenApply(v -> Reply.noContent());
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
