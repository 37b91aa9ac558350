package io.ferrymq.aws.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferrymq.aws.auth.Authenticator;
import io.ferrymq.aws.auth.Caller;
import io.ferrymq.aws.auth.SigV4;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsRequest;
import io.ferrymq.aws.wire.AwsResponse;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.aws.wire.QueryInput;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.aws.wire.WireProtocol;
import io.ferrymq.aws.wire.XmlOutput;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.ClientInfo;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP connection of the AWS endpoint: decodes each request (Query or JSON 1.0), authenticates it,
 * runs the action on the right service and writes the answer in the request's own wire protocol.
 * Runs on the connection's event loop; actions never block it.
 */
public final class AwsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AwsHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
    private static final String JSON_TYPE = "application/x-amz-json-1.0";
    private static final String CBOR_TYPE = "application/x-amz-cbor-1.1";

    private final Broker broker;
    private final Authenticator authenticator;
    private final List<AwsService> services;
    private final String listener;
    private ConnectionSessions sessions;

    public AwsHttpHandler(Broker broker, Authenticator authenticator, List<AwsService> services, String listener) {
        this.broker = broker;
        this.authenticator = authenticator;
        this.services = services;
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sessions = new ConnectionSessions(broker, new ClientInfo(broker.newConnectionId(), "aws-http",
                ctx.channel().remoteAddress(), listener, null), ctx.channel().eventLoop());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (sessions != null) {
            sessions.closeAll();
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (sessions == null) {
            channelActiveLate(ctx);
        }
        String requestId = UUID.randomUUID().toString();
        AwsRequest request;
        try {
            request = toRequest(ctx, msg);
        } catch (MalformedEncoding e) {
            LOG.info("Refused a request from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            AwsError error = AwsError.badRequest("MalformedQueryString", e.getMessage());
            write(ctx, msg.headers().contains("x-amz-target") ? jsonError(error, requestId)
                    : queryError(services.get(0), error, requestId), keepAlive, requestId);
            return;
        }
        CompletableFuture<AwsResponse> answer;
        try {
            answer = dispatch(ctx, request, requestId);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((res, t) -> {
            AwsResponse out = res;
            if (t != null) {
                out = fallbackError(request, t, requestId);
            }
            if (out != null) {
                write(ctx, out, keepAlive, requestId);
            }
        });
    }

    private void channelActiveLate(ChannelHandlerContext ctx) {
        sessions = new ConnectionSessions(broker, new ClientInfo(broker.newConnectionId(), "aws-http",
                ctx.channel().remoteAddress(), listener, null), ctx.channel().eventLoop());
    }

    private CompletableFuture<AwsResponse> dispatch(ChannelHandlerContext ctx, AwsRequest r, String requestId) {
        for (AwsService s : services) {
            AwsResponse resource = s.resource(r);
            if (resource != null) {
                return CompletableFuture.completedFuture(resource);
            }
        }
        String target = r.header("x-amz-target");
        if (target != null) {
            return json(ctx, r, target, requestId);
        }
        String action = r.param("Action");
        AwsService service = queryService(r, action);
        if (action == null || action.isEmpty()) {
            if (r.method().equals("GET") && (r.path().equals("/") || r.path().isEmpty()) && r.form().isEmpty()) {
                return CompletableFuture.completedFuture(AwsResponse.of(200, "text/plain; charset=utf-8",
                        "FerryMQ AWS endpoint: SQS (Query and JSON 1.0), SNS (Query) and Kinesis (JSON 1.1 and CBOR)\n"));
            }
            return CompletableFuture.completedFuture(queryError(service, AwsError.badRequest("MissingAction",
                    "Missing Action"), requestId));
        }
        if (service.jsonTargetPrefix() != null) {
            // Kinesis has no Query protocol: its actions come with X-Amz-Target only.
            return CompletableFuture.completedFuture(queryError(services.get(0), AwsError.badRequest("InvalidAction",
                    "The action " + action + " is served over JSON with an X-Amz-Target header, not the Query"
                            + " protocol"), requestId));
        }
        if (!service.hasAction(action)) {
            return CompletableFuture.completedFuture(queryError(service, AwsError.badRequest("InvalidAction",
                    "The action " + action + " is not valid for this endpoint."), requestId));
        }
        RequestContext rc;
        JsonNode input;
        try {
            rc = context(ctx, r, service, action, WireProtocol.QUERY, requestId);
            Map<String, String> params = new LinkedHashMap<>(r.form());
            params.keySet().removeIf(k -> k.equals("Action") || k.equals("Version") || k.startsWith("X-Amz-"));
            input = QueryInput.toJson(params, service.queryRules());
        } catch (AwsError e) {
            return CompletableFuture.completedFuture(queryError(service, e, requestId));
        }
        return run(service, action, input, rc).handle((result, t) -> {
            if (t != null) {
                return queryError(service, error(service, action, rc, t), requestId);
            }
            String xml = XmlOutput.document(action, service.xmlNamespace(), result, service.xmlShapes(),
                    service.successfulElement(action), requestId);
            return AwsResponse.of(200, "text/xml", xml);
        });
    }

    private CompletableFuture<AwsResponse> json(ChannelHandlerContext ctx, AwsRequest r, String target, String requestId) {
        int dot = target.indexOf('.');
        String prefix = dot < 0 ? target : target.substring(0, dot);
        String action = dot < 0 ? "" : target.substring(dot + 1);
        AwsService service = null;
        for (AwsService s : services) {
            if (("AmazonSQS".equals(prefix) && s.signingName().equals("sqs")) || prefix.equals(s.jsonTargetPrefix())) {
                service = s;
            }
        }
        String type = r.header("content-type");
        boolean cbor = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-amz-cbor");
        if (service == null || !service.hasAction(action)) {
            return CompletableFuture.completedFuture(jsonError(new AwsError("UnknownOperationException",
                    "com.amazon.coral.service#UnknownOperationException", 400, true, "The operation " + target + " is not known to this endpoint"), requestId, service, cbor));
        }
        AwsService svc = service;
        RequestContext rc;
        JsonNode input;
        try {
            rc = context(ctx, r, service, action, WireProtocol.JSON, requestId);
            input = r.body().length == 0 ? JsonNodeFactory.instance.objectNode() : (cbor ? CBOR : JSON).readTree(r.body());
            if (input == null || !input.isObject()) {
                throw AwsError.badRequest("SerializationException", "The request body must be a JSON object");
            }
        } catch (AwsError e) {
            return CompletableFuture.completedFuture(jsonError(e, requestId, svc, cbor));
        } catch (java.io.IOException e) {
            return CompletableFuture.completedFuture(jsonError(AwsError.badRequest("SerializationException",
                    "The request body is not valid " + (cbor ? "CBOR: " : "JSON: ") + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())), requestId, svc, cbor));
        }
        AwsService.EventStreamAction streaming = svc.eventStreamAction(action);
        if (streaming != null) {
            return stream(ctx, action, streaming, input, rc, svc, cbor, requestId);
        }
        return run(svc, action, input, rc).handle((result, t) -> {
            if (t != null) {
                return jsonError(error(svc, action, rc, t), requestId, svc, cbor);
            }
            try {
                JsonNode out = result == null ? JsonNodeFactory.instance.objectNode() : result;
                return new AwsResponse(200, cbor ? CBOR_TYPE : svc.jsonContentType(),
                        (cbor ? CBOR : JSON).writeValueAsBytes(out), new LinkedHashMap<>());
            } catch (java.io.IOException e) {
                return jsonError(error(svc, action, rc, e), requestId, svc, cbor);
            }
        });
    }

    /** An event-stream action: its errors before the stream starts are answered as usual; then null (streamed). */
    private static CompletableFuture<AwsResponse> stream(ChannelHandlerContext ctx, String name,
                                                         AwsService.EventStreamAction action, JsonNode input, RequestContext rc, AwsService svc,
                                                         boolean cbor, String requestId) {
        HttpEventStream sink = new HttpEventStream(ctx, cbor, cbor ? CBOR_TYPE : svc.jsonContentType(), requestId);
        CompletableFuture<Void> started;
        try {
            started = action.start(input, rc, sink);
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.handle((v, t) -> {
            if (t != null && !sink.started()) {
                return jsonError(error(svc, name, rc, t), requestId, svc, cbor);
            }
            if (t != null) {
                LOG.debug("Event stream to {} failed: {}", ctx.channel().remoteAddress(), t.toString());
                sink.end();
            }
            return null;
        });
    }

    private RequestContext context(ChannelHandlerContext ctx, AwsRequest r, AwsService service, String action,
                                   WireProtocol protocol, String requestId) {
        Caller caller;
        if (service.anonymous(action, r)) {
            caller = null;
        } else {
            caller = authenticator.authenticate(r, service.signingName());
        }
        Session session = null;
        if (caller != null) {
            try {
                session = sessions.session(caller.vhost(), caller.principal());
            } catch (BrokerException e) {
                throw service.translate(e);
            }
        }
        Caller who = caller;
        java.util.function.Function<String, Session> other = vhost -> {
            try {
                return sessions.session(vhost, who.principal());
            } catch (BrokerException e) {
                throw service.translate(e);
            }
        };
        return new RequestContext(caller, session, r, protocol, ctx.channel().eventLoop(), requestId, other);
    }

    private static CompletableFuture<JsonNode> run(AwsService s, String action, JsonNode input, RequestContext rc) {
        try {
            return s.handle(action, input, rc);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The error answered for a failed action; a service's refusal of the request is logged here, for every service. */
    private static AwsError error(AwsService s, String action, RequestContext rc, Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof AwsError e) {
            // The service's own checks of the request; a refusal by the core was logged by the core.
            if (e.senderFault()) {
                LOG.info("Refused {} {} from {}: {}: {}", s.signingName(), action, rc.request().remote(), e.code(),
                        e.getMessage());
            }
            return e;
        }
        AwsError e = s.translate(c);
        if (e.status() >= 500) {
            LOG.error("AWS {} {} failed", s.signingName(), action, c);
        }
        return e;
    }

    private AwsService queryService(AwsRequest r, String action) {
        String version = r.param("Version");
        if (version != null) {
            for (AwsService s : services) {
                if (s.apiVersion().equals(version)) {
                    return s;
                }
            }
        }
        try {
            SigV4.Signature sig = SigV4.parse(r);
            if (sig != null) {
                for (AwsService s : services) {
                    if (s.signingName().equals(sig.service())) {
                        return s;
                    }
                }
            }
        } catch (AwsError ignored) {
            // Reported when the request is authenticated.
        }
        if (action != null) {
            for (AwsService s : services) {
                if (s.hasAction(action)) {
                    return s;
                }
            }
        }
        return services.get(0);
    }

    private static AwsResponse queryError(AwsService s, AwsError e, String requestId) {
        return AwsResponse.of(e.status(), "text/xml", XmlOutput.error(s.xmlNamespace(), e, requestId));
    }

    private static AwsResponse jsonError(AwsError e, String requestId) {
        return jsonError(e, requestId, null, false);
    }

    /** A JSON (or CBOR) error: SQS's namespaced type with its Query code in a header, or Kinesis' bare type. */
    private static AwsResponse jsonError(AwsError e, String requestId, AwsService service, boolean cbor) {
        boolean bare = service != null && service.bareErrorTypes();
        String type = bare || e.jsonType().contains("#") ? e.jsonType() : "com.amazonaws.sqs#" + e.jsonType();
        var body = JsonNodeFactory.instance.objectNode().put("__type", type).put("message", e.getMessage());
        byte[] bytes;
        try {
            bytes = cbor ? CBOR.writeValueAsBytes(body) : body.toString().getBytes(StandardCharsets.UTF_8);
        } catch (java.io.IOException impossible) {
            throw new java.io.UncheckedIOException(impossible);
        }
        AwsResponse res = new AwsResponse(e.status(), cbor ? CBOR_TYPE : service == null ? JSON_TYPE
                : service.jsonContentType(), bytes, new LinkedHashMap<>());
        if (bare) {
            res.header("x-amzn-ErrorType", type);
        } else {
            res.header("x-amzn-query-error", e.code() + ";" + (e.senderFault() ? "Sender" : "Receiver"));
        }
        return res;
    }

    private AwsResponse fallbackError(AwsRequest r, Throwable t, String requestId) {
        LOG.error("AWS request failed unexpectedly", t);
        AwsError e = new AwsError("InternalError", "InternalError", 500, false, "internal error: " + t);
        if (r.header("x-amz-target") != null) {
            return jsonError(e, requestId);
        }
        return queryError(services.get(0), e, requestId);
    }

    private static void write(ChannelHandlerContext ctx, AwsResponse res, boolean keepAlive, String requestId) {
        DefaultFullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(res.status()), Unpooled.wrappedBuffer(res.body()));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, res.contentType());
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.body().length);
        out.headers().set("x-amzn-RequestId", requestId);
        res.headers().forEach((k, v) -> out.headers().set(k, v));
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
            ctx.writeAndFlush(out);
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static AwsRequest toRequest(ChannelHandlerContext ctx, FullHttpRequest msg) {
        String uri = msg.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : msg.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        byte[] body = ByteBufUtil.getBytes(msg.content());
        Map<String, String> form = new LinkedHashMap<>();
        if (rawQuery != null) {
            addForm(form, rawQuery, "query string");
        }
        String type = msg.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            addForm(form, new String(body, StandardCharsets.UTF_8), "form body");
        }
        boolean loopback = !(ctx.channel().remoteAddress() instanceof InetSocketAddress inet)
                || (inet.getAddress() != null && inet.getAddress().isLoopbackAddress());
        return new AwsRequest(msg.method().name(), path, rawQuery, headers, body, form, ctx.channel().remoteAddress(),
                loopback, ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null);
    }

    /** @throws MalformedEncoding when a {@code %} is not followed by two hex digits */
    private static void addForm(Map<String, String> form, String encoded, String where) {
        QueryStringDecoder d = new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false, 100_000);
        Map<String, List<String>> parameters;
        try {
            parameters = d.parameters();
        } catch (IllegalArgumentException e) {
            throw new MalformedEncoding("The " + where + " is not correctly percent-encoded (every '%' must be"
                    + " followed by two hexadecimal digits): " + e.getMessage());
        }
        for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
            if (!e.getValue().isEmpty()) {
                form.put(e.getKey(), e.getValue().get(0));
            }
        }
    }

    /** A request whose query string or form body cannot be decoded: answered 400, not a closed connection. */
    private static final class MalformedEncoding extends RuntimeException {
        MalformedEncoding(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("AWS HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
