package io.ferrymq.bench.cli;

import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.driver.TlsTrust;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the broker is: nothing here is specific to one broker product. */
final class EndpointOptions {

    @Option(names = "--protocol", description = "Wire protocol: ${COMPLETION-CANDIDATES} (default: the scenario's, else stomp).")
    Protocol protocol;

    @Option(names = {"-H", "--host"}, defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-P", "--port"}, description = "Broker port (default: the protocol's, 61613 for STOMP, 1883 for MQTT, 5672 for AMQP).")
    Integer port;

    @Option(names = {"-u", "--user"}, defaultValue = "guest", description = "Login (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password", defaultValue = "guest", description = "Passcode (default: ${DEFAULT-VALUE}).")
    String password;

    @Option(names = "--vhost", description = "Virtual host (STOMP 'host' header, AMQP open hostname); default: the host name.")
    String vhost;

    @Option(names = "--queue-prefix", defaultValue = "/queue/", description = "Prefix of queue names (default: ${DEFAULT-VALUE}).")
    String queuePrefix;

    @Option(names = "--topic-prefix", defaultValue = "/topic/", description = "Prefix of topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--subscribe-header", paramLabel = "NAME=VALUE",
            description = "Extra header on every SUBSCRIBE (repeatable), e.g. consumer-window-size=-1.")
    Map<String, String> subscribeHeaders = new LinkedHashMap<>();

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Connect over TLS, trusting the CAs of this PEM file (e.g. conf/tls/ca.pem); "
                    + "STOMP, MQTT, AMQP 1.0 and AMQP 0-9-1.")
    Path tlsCa;

    /** The protocol given, else {@code fallback}. */
    Protocol protocolOr(Protocol fallback) {
        return protocol != null ? protocol : fallback;
    }

    Endpoint endpoint(Protocol p) {
        return new Endpoint(host, port != null ? port : p.defaultPort(), user, password, vhost, queuePrefix, topicPrefix,
                subscribeHeaders, tlsCa == null ? null : new TlsTrust(tlsCa));
    }
}
