package io.ferrymq.amqp;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects what the broker's AMQP classes log while a test runs, to check how bad input is reported. */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One logged line: its level, text and whether it carried a stack trace. */
    record Line(Level level, String message, boolean withStackTrace) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final org.apache.logging.log4j.core.Logger logger;

    private LogCapture(org.apache.logging.log4j.core.Logger logger) {
        super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
    }

    static LogCapture of(String loggerName) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(context.getLogger(loggerName));
        capture.start();
        capture.logger.addAppender(capture);
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getMessage().getFormattedMessage(), event.getThrown() != null));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines whose text contains every one of the fragments. */
    List<Line> containing(String... fragments) {
        return lines.stream().filter(l -> {
            for (String f : fragments) {
                if (!l.message().contains(f)) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
