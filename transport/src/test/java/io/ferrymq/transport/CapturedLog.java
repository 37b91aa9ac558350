package io.ferrymq.transport;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects what the broker logs while a test runs, to check how much it says about bad input. */
public final class CapturedLog extends AbstractAppender implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLog() {
        super("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static CapturedLog capture() {
        CapturedLog log = new CapturedLog();
        log.start0();
        return log;
    }

    private void start0() {
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(this, null, null);
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        events.add(event.toImmutable());
    }

    /** Every event, at any level its logger lets through. */
    public List<LogEvent> events() {
        return List.copyOf(events);
    }

    /** Events at INFO or above whose message contains {@code text}. */
    public List<LogEvent> lines(String text) {
        return events.stream().filter(e -> e.getLevel().isMoreSpecificThan(org.apache.logging.log4j.Level.INFO))
                .filter(e -> e.getMessage().getFormattedMessage().contains(text)).toList();
    }

    /** Events at INFO or above that carry a stack trace. */
    public List<LogEvent> withStackTraces() {
        return events.stream().filter(e -> e.getLevel().isMoreSpecificThan(org.apache.logging.log4j.Level.INFO))
                .filter(e -> e.getThrown() != null).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
