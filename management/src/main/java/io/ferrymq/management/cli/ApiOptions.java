package io.ferrymq.management.cli;

import picocli.CommandLine.Option;

/** How a command reaches the management API; every command takes these. */
public final class ApiOptions {

    @Option(names = "--url", defaultValue = "${env:FERRYMQ_URL:-http://127.0.0.1:8161}",
            description = "The management listener (default ${DEFAULT-VALUE}; or FERRYMQ_URL).")
    String url;

    @Option(names = {"-u", "--user"}, defaultValue = "${env:FERRYMQ_USER:-guest}",
            description = "A user with a management role (default ${DEFAULT-VALUE}; or FERRYMQ_USER).")
    String user;

    @Option(names = {"-p", "--password"}, defaultValue = "${env:FERRYMQ_PASSWORD:-guest}",
            description = "Its password (or FERRYMQ_PASSWORD).", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    String password;

    @Option(names = "--vhost", defaultValue = "/", description = "The virtual host (default ${DEFAULT-VALUE}).")
    String vhost;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;
}
