package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Caller;

/**
 * Which connections and channels a caller sees: monitoring and administrator users every one, management users
 * their own (in the virtual hosts they have permissions in, as RabbitMQ's management tag).
 */
final class Visibility {

    private final Operator operator;

    Visibility(Operator operator) {
        this.operator = operator;
    }

    boolean maySee(Caller caller, String user, String vhost) {
        return caller.monitors() || user.equals(caller.name()) && caller.seesVhost(vhost);
    }

    /** A vhost named in the path: 404 when there is none, 401 when the caller has no permissions in it. */
    void requireVhost(Caller caller, String vhost) {
        if (!operator.vhosts().contains(vhost)) {
            throw ApiException.notFound("no virtual host '" + vhost + "'");
        }
        caller.requireVhost(vhost);
    }
}
