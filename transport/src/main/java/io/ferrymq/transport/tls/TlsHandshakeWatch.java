package io.ferrymq.transport.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.util.List;

/**
 * Sits right behind the {@link SslHandler}: a failed handshake (plaintext on a TLS port, a TLS version or
 * cipher the listener does not offer, a client certificate that does not verify, a handshake that does not
 * finish in time) is the client's mistake, so it becomes one log line and a close instead of reaching the
 * protocol's handler as an exception. A successful one records the client certificate's user
 * ({@link TlsIdentity}).
 */
public final class TlsHandshakeWatch extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatch.class);

    private final String listener;
    private final List<CertificateUserRule> rules;
    private boolean reported;

    public TlsHandshakeWatch(String listener, List<CertificateUserRule> rules) {
        this.listener = listener;
        this.rules = rules;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    TlsIdentity.record(ctx.channel(), ssl.engine().getSession(), rules);
                }
            } else {
                report(ctx, done.cause());
                ctx.close();
                return;
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        SSLException tls = tlsCause(cause);
        if (tls == null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        report(ctx, tls);
        ctx.close();
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
        if (reported) {
            return;
        }
        reported = true;
        LOG.info("TLS connection from {} on listener '{}' refused: {}", ctx.channel().remoteAddress(), listener,
                reason(cause));
    }

    private static SSLException tlsCause(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return t instanceof SSLException s ? s : null;
    }

    static String reason(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof NotSslRecordException) {
            return "it did not start a TLS handshake (a plaintext client on a TLS port?)";
        }
        if (t instanceof SslHandshakeTimeoutException) {
            return "the TLS handshake did not finish in time";
        }
        // The engine's own message can be as vague as "General OpenSslEngine problem": the innermost cause (a
        // certificate path that does not chain to the CA, say) is what a person can act on.
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return root == t || root.getMessage() == null ? message : message + ": " + root.getMessage();
    }
}
