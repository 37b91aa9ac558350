package io.ferrymq.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The broker's version as protocols announce it (STOMP {@code server}, MQTT {@code $SYS}). It comes from a
 * properties file the build fills in, not from the jar manifest, which does not exist when the broker runs
 * from compiled classes (tests, IDEs).
 */
public final class BrokerVersion {

    private static final String RESOURCE = "version.properties";
    private static final String VERSION = load();

    private BrokerVersion() {
    }

    /** The Maven project version, for example {@code 0.1.0-SNAPSHOT}. */
    public static String text() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BrokerVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + BrokerVersion.class.getName()
                        + ": the transport module was built without its resources");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            if (v.isEmpty() || v.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " holds no version (was it filtered by the build?)");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
