package io.ferrymq.tests.security;

import io.ferrymq.server.FerryServer;
import io.ferrymq.server.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The broker the limit tests start: in-memory storage, one listener named {@code tcp} on a free port, and users
 * (password {@code secret}) who may do anything anywhere, so that only the {@code limits:} under test refuse them.
 */
final class LimitedBroker {

    private LimitedBroker() {
    }

    /**
     * @param protocols the listener's protocols, as in broker.yaml ({@code stomp, mqtt, amqp})
     * @param limits    the {@code limits:} entries, one {@code key: value} each
     */
    static FerryServer start(Path dir, String protocols, List<String> limits, List<String> users) throws Exception {
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                listeners:
                  - {name: tcp, protocols: [%s], port: 0}
                limits:
                %s
                security:
                  password-iterations: 1000
                  users:
                %s
                  permissions:
                    - {roles: [apps], vhost: "*", match: "#", actions: [send, consume, create, delete]}
                """.formatted(protocols, indent(limits),
                indent(users.stream().map(u -> "  - {name: " + u + ", password: secret, roles: [apps]}").toList())));
        return FerryServer.start(new ConfigLoader().load(file));
    }

    private static String indent(List<String> lines) {
        return lines.stream().map(l -> "  " + l).collect(Collectors.joining("\n"));
    }
}
