package io.ferrymq.core.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what the broker logs with a stack trace while a test runs: for a client's bad input the broker
 * writes one line and no stack, so every event with a throwable is a finding (an exception that escaped a
 * handler, or a handler that logs a client's mistake as a crash).
 */
public final class LogWatch implements AutoCloseable {

    /** One logged event with a throwable: the logger, the message and the throwable's chain. */
    public record Finding(String logger, String message, Throwable thrown) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(logger).append(": ").append(message);
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                b.append(" <- ").append(t);
                StackTraceElement[] st = t.getStackTrace();
                for (int i = 0; i < Math.min(4, st.length); i++) {
                    b.append(" at ").append(st[i]);
                }
            }
            return b.toString();
        }
    }

    private final List<Finding> findings = new ArrayList<>();
    private final Appender appender = new Appender();

    private LogWatch() {
    }

    /** Starts watching the root logger (every broker logger reaches it). */
    public static LogWatch start() {
        LogWatch w = new LogWatch();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        w.appender.start();
        config.getRootLogger().addAppender(w.appender, Level.ALL, null);
        ctx.updateLoggers();
        return w;
    }

    /** Events with a throwable since the start or the last call, and forgets them. */
    public synchronized List<Finding> drain() {
        List<Finding> out = new ArrayList<>(findings);
        findings.clear();
        return out;
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }

    private synchronized void add(Finding f) {
        if (findings.size() < 1000) {
            findings.add(f);
        }
    }

    private final class Appender extends AbstractAppender {
        Appender() {
            super("log-watch-" + System.identityHashCode(LogWatch.this), null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            if (event.getThrown() != null && (event.getLoggerName().startsWith("io.ferrymq")
                    || event.getLoggerName().startsWith("io.netty"))) {
                add(new Finding(event.getLoggerName(), event.getMessage().getFormattedMessage(), event.getThrown()));
            }
        }
    }
}
