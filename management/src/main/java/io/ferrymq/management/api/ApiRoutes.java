package io.ferrymq.management.api;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Operator;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.management.ManagementSettings;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.ApiRequest;
import io.ferrymq.management.http.Caller;
import io.ferrymq.management.http.ManagementHttpHandler;
import io.ferrymq.management.http.Reply;
import io.ferrymq.management.metrics.BrokerMetrics;
import io.ferrymq.transport.ConnectionDirectory;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Every path the management listener serves: the console at {@code /}, {@code /metrics}, the OpenAPI document and
 * the API under {@code /api/}, each API call authenticated with HTTP Basic as one of the broker's users.
 */
public final class ApiRoutes implements ManagementHttpHandler.Routes {

    private final Broker broker;
    private final Operator operator;
    private final Executor blocking;
    private final BrokerMetrics metrics;
    private final ManagementSettings settings;
    private final StaticAssets assets = new StaticAssets();
    private final OverviewResource overview;
    private final ConnectionResource connections;
    private final List<Route> table;

    public ApiRoutes(Broker broker, BrokerMetrics metrics, ManagementSettings settings) {
        this.broker = broker;
        this.operator = broker.operator();
        this.blocking = broker.blockingExecutor();
        this.metrics = metrics;
        this.settings = settings;
        CallerSessions sessions = new CallerSessions(broker, "management");
        UserStore store = new UserStore(broker);
        store.restore();
        this.overview = new OverviewResource(operator, new MessageRates());
        Visibility visibility = new Visibility(operator);
        ChannelResource channels = new ChannelResource(operator, visibility);
        this.connections = new ConnectionResource(operator, visibility, channels);
        QueueResource queues = new QueueResource(operator, sessions);
        ExchangeResource exchanges = new ExchangeResource(operator, sessions, broker::currentTimeMillis);
        UserResource users = new UserResource(operator, blocking, store);
        DefinitionsResource definitions = new DefinitionsResource(operator, sessions, blocking, store);
        PolicyResource policies = new PolicyResource(operator);
        StreamResource streams = new StreamResource(operator);
        this.table = List.of(
                Route.of("GET", "api/overview", overview::overview),
                Route.of("GET", "api/whoami", users::whoami),
                Route.of("GET", "api/vhosts", overview::vhosts),
                Route.of("GET", "api/vhosts/{vhost}", overview::vhost),
                Route.of("GET", "api/queues", queues::list),
                Route.of("GET", "api/queues/{vhost}", queues::list),
                Route.of("GET", "api/queues/{vhost}/{name}", queues::get),
                Route.of("PUT", "api/queues/{vhost}/{name}", queues::put),
                Route.of("DELETE", "api/queues/{vhost}/{name}", queues::delete),
                Route.of("DELETE", "api/queues/{vhost}/{name}/contents", queues::purge),
                Route.of("POST", "api/queues/{vhost}/{name}/get", queues::getMessages),
                Route.of("POST", "api/queues/{vhost}/{name}/move", queues::move),
                Route.of("GET", "api/queues/{vhost}/{name}/bindings", queues::bindings),
                Route.of("GET", "api/streams", streams::list),
                Route.of("GET", "api/streams/{vhost}", streams::list),
                Route.of("GET", "api/streams/{vhost}/{name}", streams::get),
                Route.of("GET", "api/exchanges", exchanges::list),
                Route.of("GET", "api/exchanges/{vhost}", exchanges::list),
                Route.of("GET", "api/exchanges/{vhost}/{name}", exchanges::get),
                Route.of("PUT", "api/exchanges/{vhost}/{name}", exchanges::put),
                Route.of("DELETE", "api/exchanges/{vhost}/{name}", exchanges::delete),
                Route.of("POST", "api/exchanges/{vhost}/{name}/publish", exchanges::publish),
                Route.of("GET", "api/bindings", exchanges::bindings),
                Route.of("GET", "api/bindings/{vhost}", exchanges::bindings),
                Route.of("GET", "api/bindings/{vhost}/e/{exchange}/q/{queue}", exchanges::bindingsBetween),
                Route.of("POST", "api/bindings/{vhost}/e/{exchange}/q/{queue}", exchanges::bind),
                Route.of("DELETE", "api/bindings/{vhost}/e/{exchange}/q/{queue}/{props}", exchanges::unbind),
                Route.of("GET", "api/connections", connections::list),
                Route.of("GET", "api/vhosts/{vhost}/connections", connections::list),
                Route.of("GET", "api/connections/{name}", connections::get),
                Route.of("DELETE", "api/connections/{name}", connections::close),
                Route.of("GET", "api/connections/{name}/channels", channels::ofConnection),
                Route.of("GET", "api/channels", channels::list),
                Route.of("GET", "api/vhosts/{vhost}/channels", channels::list),
                Route.of("GET", "api/channels/{name}", channels::get),
                Route.of("GET", "api/consumers", connections::consumers),
                Route.of("GET", "api/consumers/{vhost}", connections::consumers),
                Route.of("GET", "api/users", users::list),
                Route.of("GET", "api/users/{name}", users::get),
                Route.of("PUT", "api/users/{name}", users::put),
                Route.of("DELETE", "api/users/{name}", users::delete),
                Route.of("GET", "api/permissions", users::permissions),
                Route.of("GET", "api/permissions/{vhost}/{user}", users::permissions),
                Route.of("PUT", "api/permissions/{vhost}/{user}", users::putPermission),
                Route.of("DELETE", "api/permissions/{vhost}/{user}", users::deletePermission),
                Route.of("GET", "api/policies", policies::list),
                Route.of("GET", "api/policies/{vhost}", policies::list),
                Route.of("GET", "api/definitions", definitions::export),
                Route.of("POST", "api/definitions", definitions::importDefinitions));
    }

    /** Every API route as {@code METHOD /path}, for the test that holds the OpenAPI document to them. */
    List<String> routes() {
        return table.stream().map(r -> r.method() + " /" + String.join("/", r.pattern())).toList();
    }

    /** The transport's connections, for closing one and listing the listeners. */
    public void connections(ConnectionDirectory directory) {
        connections.attach(directory);
        overview.attach(directory);
    }

    @Override
    public CompletableFuture<Reply> handle(ApiRequest request) {
        List<String> path = request.segments();
        if (path.isEmpty() || (path.size() == 1 && !path.get(0).equals("metrics") && !path.get(0).equals("api"))) {
            return page(request, path.isEmpty() ? "index.html" : path.get(0));
        }
        if (path.size() == 1 && path.get(0).equals("metrics")) {
            requireGet(request);
            if (!settings.metricsAuthentication()) {
                return CompletableFuture.completedFuture(metrics.scrape());
            }
            return authenticate(request).thenApply(caller -> {
                if (!caller.monitors()) {
                    throw ApiException.forbidden("user '" + caller.name() + "' needs the monitoring role for /metrics");
                }
                return metrics.scrape();
            });
        }
        if (path.size() == 2 && path.get(0).equals("api") && path.get(1).equals("openapi.json")) {
            requireGet(request);
            return CompletableFuture.completedFuture(assets.serve("openapi.json"));
        }
        if (!path.get(0).equals("api")) {
            throw ApiException.notFound("no such page: /" + String.join("/", path));
        }
        Route matched = null;
        Map<String, String> params = null;
        boolean pathKnown = false;
        for (Route r : table) {
            Map<String, String> p = r.match(path);
            if (p != null) {
                pathKnown = true;
                if (r.method().equals(request.method())) {
                    matched = r;
                    params = p;
                    break;
                }
            }
        }
        if (matched == null) {
            if (pathKnown) {
                throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                        request.method() + " is not allowed on /" + String.join("/", path));
            }
            throw ApiException.notFound("no such API path: /" + String.join("/", path));
        }
        Route route = matched;
        Map<String, String> values = params;
        return authenticate(request).thenCompose(caller -> {
            if (!caller.mayUseApi()) {
                throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised", "user '" + caller.name()
                        + "' is not a management user: give it the administrator, monitoring or management role");
            }
            String vhost = values.get("vhost");
            if (vhost != null) {
                caller.requireVhost(vhost);
            }
            return route.action().run(new Call(caller, request, values));
        });
    }

    private CompletableFuture<Reply> page(ApiRequest request, String file) {
        requireGet(request);
        if (file.equals("favicon.ico")) {
            // Browsers ask for it on their own: no icon, and no log line for it.
            return CompletableFuture.completedFuture(Reply.noContent());
        }
        if (!settings.console()) {
            throw ApiException.notFound("the web console is switched off (management.console: false)");
        }
        return CompletableFuture.completedFuture(assets.serve(file));
    }

    private static void requireGet(ApiRequest request) {
        if (!request.method().equals("GET")) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "only GET is allowed here");
        }
    }

    /** HTTP Basic as one of the broker's users; the password check runs off the event loop. */
    private CompletableFuture<Caller> authenticate(ApiRequest request) {
        String header = request.authorization();
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return CompletableFuture.failedFuture(new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised",
                    "log in with HTTP Basic authentication as one of the broker's users"));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised",
                    "the Authorization header is not valid Basic credentials"));
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        ClientInfo client = new ClientInfo(broker.newConnectionId(), CallerSessions.PROTOCOL, request.remote(),
                "management", null);
        return CompletableFuture.supplyAsync(() -> {
            io.ferrymq.core.security.BrokerPrincipal who = operator.authenticate(user, password, client);
            return new Caller(who, vhost -> operator.mayAccess(who, vhost));
        }, blocking);
    }
}
