package io.ferrymq.transport.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Fails a test class when Netty reports a leaked buffer ({@code LEAK:} from {@code ResourceLeakDetector}) while
 * it or an earlier class ran. The {@code leak} Maven profile turns it on for every test class of the modules that
 * use this test-jar (JUnit's extension auto-detection, with {@code -Dio.netty.leakDetection.level=paranoid});
 * outside that profile it is not loaded.
 *
 * <p>Netty reports a leak only once the leaked buffer has been garbage collected and another buffer is
 * allocated, so after each class this collects and allocates; a leak whose report still comes later fails the
 * next class, whose message says so.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

    private static final String DETECTOR_LOGGER = "io.netty.util.ResourceLeakDetector";
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.gc();
        for (int i = 0; i < 256; i++) {
            ByteBufAllocator.DEFAULT.buffer(1).release();
            UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        List<String> found = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            found.add(leak);
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leaked buffer(s) while "
                    + context.getDisplayName() + " or a class before it ran; the first:\n" + found.get(0));
        }
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Configuration config = logging.getConfiguration();
        AbstractAppender recorder = new AbstractAppender("netty-leaks", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String message = event.getMessage().getFormattedMessage();
                if (message.contains("LEAK:")) {
                    LEAKS.add(message);
                }
            }
        };
        recorder.start();
        config.addAppender(recorder);
        LoggerConfig detector = new LoggerConfig(DETECTOR_LOGGER, Level.WARN, true);
        detector.addAppender(recorder, Level.WARN, null);
        config.addLogger(DETECTOR_LOGGER, detector);
        logging.updateLoggers();
        installed = true;
    }
}
