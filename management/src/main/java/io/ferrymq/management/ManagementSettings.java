package io.ferrymq.management;

/**
 * The {@code management} section of {@code broker.yaml}.
 *
 * @param maxRequestBytes      largest request body (a definitions import, a published test message)
 * @param metricsAuthentication whether {@code /metrics} asks for a user (monitoring role) like the API does;
 *                              off by default, as Prometheus scrapes without credentials and the listener is
 *                              on loopback
 * @param console              whether the web console is served at {@code /}
 */
public record ManagementSettings(int maxRequestBytes, boolean metricsAuthentication, boolean console) {

    public ManagementSettings {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("max-request-size must be at least 1KiB");
        }
    }

    public static ManagementSettings defaults() {
        return new ManagementSettings(16 * 1024 * 1024, false, true);
    }

    public ManagementSettings withMaxRequestBytes(int v) {
        return new ManagementSettings(v, metricsAuthentication, console);
    }

    public ManagementSettings withMetricsAuthentication(boolean v) {
        return new ManagementSettings(maxRequestBytes, v, console);
    }

    public ManagementSettings withConsole(boolean v) {
        return new ManagementSettings(maxRequestBytes, metricsAuthentication, v);
    }
}
