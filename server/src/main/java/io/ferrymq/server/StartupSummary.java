package io.ferrymq.server;

import io.ferrymq.server.config.FerryConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.RollingRandomAccessFileAppender;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The block logged once the broker has started: where each protocol listens (TLS marked), where data and logs
 * go, who may log in, and the console's address. What a new user needs to connect, in one place.
 */
final class StartupSummary {

    /** A bound listener as the summary shows it; {@code tls} is empty, "TLS" or "TLS or plaintext". */
    record Bound(String name, List<String> protocols, InetSocketAddress address, boolean websocket, String tls) {
    }

    private StartupSummary() {
    }

    static String text(FerryConfig config, List<Bound> listeners) {
        StringBuilder b = new StringBuilder("Ready for clients:");
        Map<String, List<String>> byProtocol = new LinkedHashMap<>();
        String console = null;
        for (Bound l : listeners) {
            String where = hostPort(l.address()) + (l.websocket() ? " WebSocket" : "")
                    + (l.tls().isEmpty() ? "" : " " + l.tls());
            for (String p : l.protocols()) {
                byProtocol.computeIfAbsent(p, k -> new ArrayList<>()).add(where);
            }
            if (console == null && l.protocols().contains("management")) {
                console = (l.tls().isEmpty() ? "http://" : "https://") + hostPort(l.address()) + "/";
            }
        }
        byProtocol.forEach((p, where) -> line(b, p, String.join(", ", where)));
        line(b, "data", data(config.storage()));
        line(b, "logs", String.join(", ", logFiles()));
        line(b, "users", users(config.security()));
        line(b, "console", console == null ? "none (no listener serves the management protocol)" : console);
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(System.lineSeparator()).append(String.format("  %-10s %s", label, value));
    }

    private static String hostPort(InetSocketAddress a) {
        // A wildcard address is reachable as localhost from this machine; that is what a user types first.
        String host = a.getAddress() != null && a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String data(FerryConfig.Storage storage) {
        if (storage != null && "memory".equalsIgnoreCase(storage.type())) {
            return "in memory only (storage.type: memory): nothing survives a restart";
        }
        String dir = storage == null || storage.dataDir() == null ? "./data" : storage.dataDir();
        return Path.of(dir).toAbsolutePath().normalize().toString();
    }

    private static String users(FerryConfig.Security security) {
        if (security == null || security.users() == null) {
            return "none configured";
        }
        for (FerryConfig.User u : security.users()) {
            if ("guest".equals(u.name())) {
                String who = "guest".equals(u.password()) ? "guest/guest" : "guest";
                return Boolean.TRUE.equals(u.loopbackOnly())
                        ? who + " may log in from this machine only (loopback); add users for other machines"
                        + " in security.users or with `ferrymq user add`"
                        : who + " may log in from ANY machine (loopback-only is off): change its password";
            }
        }
        return security.users().size() + " configured in security.users";
    }

    /** The files Log4j writes to, or a note that it writes to the console only. */
    private static List<String> logFiles() {
        List<String> files = new ArrayList<>();
        if (LogManager.getContext(false) instanceof LoggerContext ctx) {
            for (Appender a : ctx.getConfiguration().getAppenders().values()) {
                String file = a instanceof RollingFileAppender r ? r.getFileName()
                        : a instanceof FileAppender f ? f.getFileName()
                        : a instanceof RollingRandomAccessFileAppender rr ? rr.getFileName()
                        : a instanceof RandomAccessFileAppender ra ? ra.getFileName() : null;
                if (file != null) {
                    files.add(Path.of(file).toAbsolutePath().normalize().toString());
                }
            }
        }
        return files.isEmpty() ? List.of("console only (conf/log4j2.xml adds logs/ferrymq.log)") : files;
    }
}
