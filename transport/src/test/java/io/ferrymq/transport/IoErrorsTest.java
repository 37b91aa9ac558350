package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IoErrorsTest {

    private static final Logger LOG = LoggerFactory.getLogger(IoErrorsTest.class);
    private CapturedLog log;

    /** The part of a connection handler that meets a failure: IO errors close, anything else is the handler's. */
    private static final class Failing extends ChannelInboundHandlerAdapter {
        Throwable left;

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!IoErrors.closeOnIoError(ctx, cause, LOG, "TEST connection 7")) {
                left = cause;
            }
        }
    }

    @BeforeEach
    void captureDebug() {
        Configurator.setLevel(IoErrorsTest.class.getName(), Level.DEBUG);
        log = CapturedLog.capture();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
        Configurator.setLevel(IoErrorsTest.class.getName(), Level.INFO);
    }

    private List<LogEvent> mine() {
        return log.events().stream().filter(e -> e.getLoggerName().equals(IoErrorsTest.class.getName())).toList();
    }

    @Test
    void aClientResetIsLoggedOnceWithoutAStackTraceAndClosesTheConnection() {
        Failing handler = new Failing();
        EmbeddedChannel ch = new EmbeddedChannel(handler);

        ch.pipeline().fireExceptionCaught(new SocketException("Connection reset by peer"));

        assertThat(ch.isActive()).isFalse();
        assertThat(handler.left).isNull();
        assertThat(mine()).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(e.getThrown()).isNull();
            assertThat(e.getMessage().getFormattedMessage())
                    .isEqualTo("TEST connection 7: java.net.SocketException: Connection reset by peer");
        });
    }

    @Test
    void aFailureOfTheBrokersOwnIsLeftToTheAdapterAndTheConnectionStaysOpen() {
        Failing handler = new Failing();
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        IllegalStateException bug = new IllegalStateException("a bug");

        ch.pipeline().fireExceptionCaught(bug);

        assertThat(handler.left).isSameAs(bug);
        assertThat(ch.isActive()).isTrue();
        assertThat(mine()).isEmpty();
        assertThat(IoErrors.isIoError(new IOException("Broken pipe"))).isTrue();
        ch.finishAndReleaseAll();
    }
}
