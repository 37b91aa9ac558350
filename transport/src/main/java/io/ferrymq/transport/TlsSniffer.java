package io.ferrymq.transport;

import io.ferrymq.transport.tls.TlsHandshakeWatch;
import io.ferrymq.transport.tls.ReloadingSslContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Port unification with TLS: a connection that opens with a TLS record gets the TLS handler and is sniffed
 * again inside it ({@link ProtocolSniffer} on the decrypted bytes); any other goes to the plaintext sniffer.
 */
final class TlsSniffer extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(TlsSniffer.class);

    /** A TLS record header: content type, version, length. */
    private static final int RECORD_HEADER = 5;

    private final SslContext ssl;
    private final List<ProtocolModule> candidates;
    private final ConnectionContext plain;
    private final ConnectionContext secure;
    private final Duration timeout;
    private ScheduledFuture<?> deadline;

    TlsSniffer(SslContext ssl, List<ProtocolModule> candidates, ConnectionContext plain, ConnectionContext secure,
               Duration timeout) {
        this.ssl = ssl;
        this.candidates = candidates;
        this.plain = plain;
        this.secure = secure;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            LOG.info("Closing connection from {} on listener '{}': nothing (neither TLS nor a protocol header) "
                    + "within {} s", ctx.channel().remoteAddress(), plain.listener(), timeout.toSeconds());
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < RECORD_HEADER) {
            // A plaintext header shorter than a TLS record header (none of the protocols has one) would wait here
            // for the protocol sniffer's own timeout; every protocol sends more than five bytes first.
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        String me = ctx.name();
        if (SslHandler.isEncrypted(in, false)) {
            p.addAfter(me, "tls", ssl.newHandler(ctx.alloc()));
            p.addAfter("tls", "tls-watch", new TlsHandshakeWatch(secure.listener(), rules(ssl)));
            p.addAfter("tls-watch", "sniffer", new ProtocolSniffer(candidates, secure));
        } else {
            p.addAfter(me, "sniffer", new ProtocolSniffer(candidates, plain));
        }
        p.remove(this);
    }

    static List<io.ferrymq.transport.tls.CertificateUserRule> rules(SslContext ssl) {
        return ssl instanceof ReloadingSslContext r ? r.settings().userRules() : List.of();
    }
}
