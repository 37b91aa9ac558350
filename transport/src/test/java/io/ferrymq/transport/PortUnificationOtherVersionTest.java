package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A header of a protocol version no module serves goes to the module that knows the protocol (to answer with
 * its own version), but only when no module serves that version exactly.
 */
class PortUnificationOtherVersionTest {

    private NettyServer server;
    private int port;

    @BeforeEach
    void start() {
        // The module that answers other versions comes first: an exact match elsewhere must still win.
        server = new NettyServer(1, List.of(new Versioned("v1", '1', true), new Versioned("v2", '2', false)));
        port = server.bind(ListenerConfig.tcp("unified", "127.0.0.1", 0, "v1", "v2")).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void aVersionSomeModuleServesGoesToThatModule() throws Exception {
        assertThat(firstLine("PROTO2")).isEqualTo("v2");
        assertThat(firstLine("PROTO1")).isEqualTo("v1");
    }

    @Test
    void aVersionNoModuleServesGoesToTheModuleThatAnswersForItsProtocol() throws Exception {
        assertThat(firstLine("PROTO9")).isEqualTo("v1");
    }

    private String firstLine(String header) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(header.getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** Recognises {@code PROTO} and a version digit; answers its name on a line and closes. */
    private record Versioned(String name, char version, boolean answersOtherVersions) implements ProtocolModule {

        private static final String PREFIX = "PROTO";

        @Override
        public Detection detect(ByteBuf in) {
            int n = Math.min(in.readableBytes(), PREFIX.length() + 1);
            for (int i = 0; i < Math.min(n, PREFIX.length()); i++) {
                if (in.getByte(in.readerIndex() + i) != PREFIX.charAt(i)) {
                    return Detection.NO_MATCH;
                }
            }
            if (n <= PREFIX.length()) {
                return Detection.NEED_MORE;
            }
            if (in.getByte(in.readerIndex() + PREFIX.length()) == version) {
                return Detection.MATCH;
            }
            return answersOtherVersions ? Detection.OTHER_VERSION : Detection.NO_MATCH;
        }

        @Override
        public Set<String> websocketSubprotocols() {
            return Set.of();
        }

        @Override
        public void initChannel(Channel channel, ConnectionContext context) {
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                    ctx.writeAndFlush(Unpooled.copiedBuffer(name + "\n", StandardCharsets.US_ASCII))
                            .addListener(f -> ctx.close());
                }
            });
        }
    }
}
