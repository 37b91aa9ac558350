package io.ferrymq.server;

import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.ha.HaConfig;
import io.ferrymq.ha.HaNode;
import io.ferrymq.ha.StatusReport;
import io.ferrymq.ha.SwitchoverRequest;
import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The {@code ferrymq} command. */
@Command(name = "ferrymq", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "FerryMQ: one broker for STOMP, MQTT, AMQP, OpenWire and AWS-style HTTP APIs.",
        subcommands = {Main.Run.class, Main.HashPassword.class, Main.Coordinator.class, Main.Ha.class,
                TlsCommand.class, KeygenCommand.class,
                // Over a running broker's management API (README, "Management"):
                io.ferrymq.management.cli.StatusCommand.class, io.ferrymq.management.cli.QueueCommand.class,
                io.ferrymq.management.cli.ExchangeCommand.class, io.ferrymq.management.cli.ExchangeCommand.Bindings.class,
                io.ferrymq.management.cli.ConnectionCommand.class, io.ferrymq.management.cli.MessageCommand.class,
                io.ferrymq.management.cli.UserCommand.class, io.ferrymq.management.cli.DefinitionsCommand.class},
        footer = {"", "Load generator (like artemis perf), from a source tree: bin/ferrymq perf --help"})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Logging must outlive the shutdown hook that stops the broker, so Log4j's own hook is off and
        // the broker's hook shuts logging down last.
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the broker in the foreground until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {

        private static final Logger LOG = LoggerFactory.getLogger(Run.class);

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "broker.yaml to merge over the built-in defaults (see conf/broker.yaml)")
        Path config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            AutoCloseable server;
            try {
                ConfigLoader loader = new ConfigLoader();
                FerryConfig c = config == null ? loader.defaults() : loader.load(config);
                server = c.ha().isEmpty() ? FerryServer.start(c) : startPairMember(c);
            } catch (ConfigException | io.ferrymq.core.journal.JournalCorruptedException e) {
                LOG.error("Cannot start: {}", e.getMessage());
                spec.commandLine().getErr().println("ferrymq: " + e.getMessage());
                LogManager.shutdown();
                return 2;
            } catch (RuntimeException e) {
                LOG.error("Cannot start", e);
                spec.commandLine().getErr().println("ferrymq: cannot start: " + e);
                LogManager.shutdown();
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                    LOG.info("FerryMQ stopped");
                } catch (Exception e) {
                    LOG.warn("Stopping: {}", e.toString());
                } finally {
                    stopped.countDown();
                    LogManager.shutdown();
                }
            }, "ferrymq-shutdown"));
            stopped.await();
            return 0;
        }

        /** With an {@code ha} section: a member of an HA pair, whose broker starts only while it is active. */
        private static HaNode startPairMember(FerryConfig c) {
            HaNode node = new HaNode(haConfig(c), new HaLauncher(c));
            try {
                node.start();
            } catch (IllegalStateException e) {
                node.close();
                throw new ConfigException(e.getMessage(), e);
            } catch (Exception e) {
                node.close();
                throw new IllegalStateException("cannot join the HA pair: " + e, e);
            }
            return node;
        }
    }

    static HaConfig haConfig(FerryConfig c) {
        try {
            return HaConfig.from(c.ha());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("ha: " + e.getMessage(), e);
        }
    }

    @Command(name = "coordinator", mixinStandardHelpOptions = true,
            description = "Runs a single ZooKeeper node for an HA pair on one machine (production: an existing ensemble).")
    static final class Coordinator implements Callable<Integer> {

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--port", defaultValue = "2181", description = "client port (default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--data-dir", defaultValue = "./data/coordinator",
                description = "where ZooKeeper keeps its state (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--tick", defaultValue = "200",
                description = "ZooKeeper tick in ms; sessions of 2 to 20 ticks are granted (default ${DEFAULT-VALUE})")
        int tick;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                new io.ferrymq.ha.Coordinator(host, port, dataDir, tick).run();
                return 0;
            } catch (Exception e) {
                spec.commandLine().getErr().println("ferrymq coordinator: " + e.getMessage());
                LogManager.shutdown();
                return 1;
            }
        }
    }

    @Command(name = "ha", mixinStandardHelpOptions = true, description = "HA pair operations.",
            subcommands = {Ha.Status.class, Ha.Failover.class})
    static final class Ha implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }

        @Command(name = "failover", mixinStandardHelpOptions = true,
                description = "Planned switch-over: the active hands over to its standby once that is in sync (no loss).")
        static final class Failover implements Callable<Integer> {

            @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
                    description = "broker.yaml of either pair member (its ha section)")
            Path config;

            @Option(names = "--timeout", defaultValue = "30", description = "seconds to wait (default ${DEFAULT-VALUE})")
            int timeout;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                try {
                    FerryConfig c = new ConfigLoader().load(config);
                    if (c.ha().isEmpty()) {
                        throw new ConfigException(config + " has no ha section");
                    }
                    spec.commandLine().getOut().println(SwitchoverRequest.run(haConfig(c),
                            java.time.Duration.ofSeconds(timeout)));
                    spec.commandLine().getOut().flush();
                    return 0;
                } catch (Exception e) {
                    spec.commandLine().getErr().println("ferrymq ha failover: " + e.getMessage());
                    return 2;
                } finally {
                    LogManager.shutdown();
                }
            }
        }

        @Command(name = "status", mixinStandardHelpOptions = true,
                description = "Shows the pair's epoch, active node and standby in sync, as ZooKeeper has them.")
        static final class Status implements Callable<Integer> {

            @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
                    description = "broker.yaml of either pair member (its ha section)")
            Path config;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                try {
                    FerryConfig c = new ConfigLoader().load(config);
                    if (c.ha().isEmpty()) {
                        throw new ConfigException(config + " has no ha section");
                    }
                    spec.commandLine().getOut().print(StatusReport.describe(haConfig(c)));
                    spec.commandLine().getOut().flush();
                    return 0;
                } catch (Exception e) {
                    spec.commandLine().getErr().println("ferrymq ha status: " + e.getMessage());
                    return 2;
                } finally {
                    LogManager.shutdown();
                }
            }
        }
    }

    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = "Prints a password hash for the password-hash setting of a user in broker.yaml.")
    static final class HashPassword implements Callable<Integer> {

        @Option(names = "--iterations", defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
                description = "PBKDF2 iterations (default ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--password", description = "the password; read from the terminal when omitted",
                interactive = true, arity = "0..1")
        char[] password;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            char[] p = password;
            if (p == null || p.length == 0) {
                Console console = System.console();
                if (console == null) {
                    spec.commandLine().getErr().println("ferrymq: no terminal to read the password from; use --password");
                    return 2;
                }
                p = console.readPassword("Password: ");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(PasswordHash.create(new String(p), iterations).encoded());
            out.flush();
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"FerryMQ " + FerryServer.version(), "Java " + Runtime.version()};
        }
    }
}
