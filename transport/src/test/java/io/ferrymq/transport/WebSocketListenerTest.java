package io.ferrymq.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** WebSocket listeners pick the protocol by subprotocol, then by path, and refuse plain HTTP. */
class WebSocketListenerTest {

    private NettyServer server;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA"), new LineProtocol("beta", "BETA")));
        port = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, "alpha", "beta")).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void subprotocolChoosesTheProtocol() throws Exception {
        assertThat(roundTrip("/", "beta.v1", "hello\n")).isEqualTo("beta[ws]:hello\n");
        assertThat(roundTrip("/", "alpha.v1", "hello\n")).isEqualTo("alpha[ws]:hello\n");
    }

    @Test
    void pathChoosesTheProtocolWhenNoSubprotocolIsAsked() throws Exception {
        assertThat(roundTrip("/beta", null, "via path\n")).isEqualTo("beta[ws]:via path\n");
    }

    @Test
    void plainHttpRequestGetsABadRequestThatExplains() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("WebSocket").contains("alpha.v1").contains("beta.v1");
    }

    private String roundTrip(String path, String subprotocol, String text) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (subprotocol != null) {
            b.subprotocols(subprotocol);
        }
        WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
            private final StringBuilder acc = new StringBuilder();

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                acc.append(StandardCharsets.UTF_8.decode(data));
                if (last) {
                    reply.complete(acc.toString());
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                acc.append(data);
                if (last) {
                    reply.complete(acc.toString());
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true);
        String r = reply.get(10, TimeUnit.SECONDS);
        ws.abort();
        return r;
    }
}
