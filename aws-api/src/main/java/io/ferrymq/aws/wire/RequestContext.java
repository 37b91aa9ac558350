package io.ferrymq.aws.wire;

import io.ferrymq.aws.auth.Caller;
import io.ferrymq.core.api.Session;

import java.util.concurrent.Executor;

/**
 * What an action handler gets besides its input: who asked, the broker session acting for them (its
 * futures complete on {@code executor}, the connection's event loop), the request and its wire protocol.
 */
public record RequestContext(Caller caller, Session session, AwsRequest request, WireProtocol protocol,
                             Executor executor, String requestId,
                             java.util.function.Function<String, Session> sessionIn) {

    /** The caller's session in another virtual host (a queue URL of another account). */
    public Session session(String vhost) {
        return vhost.equals(session.vhostName()) ? session : sessionIn.apply(vhost);
    }
}
