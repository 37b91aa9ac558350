package io.ferrymq.tests.tls;

import io.ferrymq.server.FerryServer;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.transport.testing.TestTls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A broker process's server with every TLS listener of {@code conf/examples/tls.yaml} on a free port, and the
 * certificates {@code ferrymq tls self-signed} would write, in a test's directory.
 */
final class TlsBroker implements AutoCloseable {

    final TestTls tls;
    final FerryServer server;

    private TlsBroker(TestTls tls, FerryServer server) {
        this.tls = tls;
        this.server = server;
    }

    /** @param extraTls more lines for the tls section (two-space indented), e.g. client-ca */
    static TlsBroker start(Path dir, String extraTls, String security) throws Exception {
        TestTls tls = TestTls.create(dir);
        String yaml = """
                storage:
                  type: memory
                tls:
                  certificate: %s
                  key: %s
                %s
                listeners:
                  - {name: amqps, protocols: [amqp, amqp091], port: 0, tls: true}
                  - {name: mqtts, protocols: [mqtt], port: 0, tls: true}
                  - {name: stomps, protocols: [stomp], port: 0, tls: true}
                  - {name: openwire-ssl, protocols: [openwire], port: 0, tls: true}
                  - {name: wss, protocols: [stomp, mqtt, amqp, amqp091], port: 0, websocket: true, tls: true}
                  - {name: aws-https, protocols: [aws], port: 0, tls: true}
                  - {name: unified, protocols: [stomp, mqtt, amqp, amqp091, openwire], port: 0, tls: optional}
                  - {name: mqtt, protocols: [mqtt], port: 0}
                %s
                """.formatted(tls.serverPem(), tls.serverKey(), extraTls, security);
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, yaml);
        return new TlsBroker(tls, FerryServer.start(new ConfigLoader().load(file)));
    }

    int port(String listener) {
        return server.listeners().get(listener).getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
