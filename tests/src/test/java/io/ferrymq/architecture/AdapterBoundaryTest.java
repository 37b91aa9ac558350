package io.ferrymq.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.ferrymq.stomp.boundaryfixture.AdapterReachingIntoTheCore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter boundary as rules over the compiled main classes: protocol modules never see each other, and
 * reach the core only through its API (the {@code core.api} package, the message model, the errors and the
 * published value types), neither by naming an internal type nor by calling a method that hands one out.
 */
class AdapterBoundaryTest {

    private static final String[] PROTOCOLS = {"stomp", "mqtt", "amqp", "amqp091", "aws", "openwire"};
    /** Modules that reach the core only through its API like an adapter, but are no protocol: the management API. */
    private static final String[] OPERATOR_MODULES = {"management"};

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        // Each module's jar (or class folder) by the code source of one of its classes: scanning the whole
        // class path for the package would read every library jar too.
        Set<Location> modules = Stream.of(io.ferrymq.core.api.Broker.class, io.ferrymq.transport.NettyServer.class,
                        io.ferrymq.stomp.StompProtocol.class, io.ferrymq.mqtt.MqttProtocol.class,
                        io.ferrymq.amqp.AmqpProtocol.class, io.ferrymq.amqp091.Amqp091Protocol.class,
                        io.ferrymq.aws.AwsApiProtocol.class, io.ferrymq.openwire.OpenwireProtocol.class,
                        io.ferrymq.management.ManagementProtocol.class,
                        io.ferrymq.server.Main.class)
                .map(c -> Location.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString())))
                .collect(Collectors.toSet());
        mainClasses = new ClassFileImporter().importLocations(modules);
    }

    @ParameterizedTest(name = "{0} depends on no other protocol module")
    @ValueSource(strings = {"stomp", "mqtt", "amqp", "amqp091", "aws", "openwire"})
    void aProtocolModuleNeverDependsOnAnother(String protocol) {
        String[] others = Arrays.stream(PROTOCOLS).filter(p -> !p.equals(protocol))
                .map(p -> "io.ferrymq." + p + "..").toArray(String[]::new);
        assertThat(mainClasses.containPackage("io.ferrymq." + protocol)).as("classes of %s imported", protocol).isTrue();
        noClasses().that().resideInAPackage("io.ferrymq." + protocol + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .check(mainClasses);
    }

    @Test
    void protocolModulesReachTheCoreOnlyThroughItsApi() {
        adaptersUseOnlyTheApi().check(mainClasses);
    }

    @Test
    void protocolModulesCallNoCoreMethodThatHandsOutAnInternal() {
        adaptersCallOnlyApiMethods().check(mainClasses);
    }

    @Test
    void theCoreRulesCatchAnAdapterThatReachesPastTheApi() {
        JavaClasses fixture = new ClassFileImporter().importClasses(AdapterReachingIntoTheCore.class);
        var types = adaptersUseOnlyTheApi().evaluate(fixture);
        assertThat(types.hasViolation()).isTrue();
        assertThat(types.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("VirtualHost"))
                .anySatisfy(line -> assertThat(line).contains("Journal"));
        var calls = adaptersCallOnlyApiMethods().evaluate(fixture);
        assertThat(calls.hasViolation()).isTrue();
        assertThat(calls.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("Broker.vhost(java.lang.String)"))
                .anySatisfy(line -> assertThat(line).contains("BrokerOptions.realm()"));
    }

    static ArchRule adaptersUseOnlyTheApi() {
        return noClasses().that().resideInAnyPackage(adapterPackages())
                .should().dependOnClassesThat(CORE_INTERNAL)
                .as("protocol modules use only the core's API (core.api, core.message, core.errors and the"
                        + " published value types)");
    }

    /**
     * Catches what the type rule cannot see: a call such as {@code broker.vhost(name) != null} names no
     * internal type in the adapter's bytecode, but hands one out.
     */
    static ArchRule adaptersCallOnlyApiMethods() {
        return noClasses().that().resideInAnyPackage(adapterPackages())
                .should().callMethodWhere(DescribedPredicate.describe("a core method with an internal type in its signature",
                        call -> {
                            var target = call.getTarget();
                            if (!target.getOwner().getPackageName().startsWith("io.ferrymq.core")) {
                                return false;
                            }
                            return CORE_INTERNAL.test(target.getRawReturnType())
                                    || target.getRawParameterTypes().stream().anyMatch(CORE_INTERNAL);
                        }))
                .as("protocol modules call no core method that takes or returns a core internal");
    }

    private static String[] adapterPackages() {
        return Stream.concat(Arrays.stream(PROTOCOLS), Arrays.stream(OPERATOR_MODULES))
                .map(p -> "io.ferrymq." + p + "..").toArray(String[]::new);
    }

    @Test
    void theManagementModuleDependsOnNoProtocolModule() {
        assertThat(mainClasses.containPackage("io.ferrymq.management")).isTrue();
        noClasses().that().resideInAPackage("io.ferrymq.management..")
                .should().dependOnClassesThat().resideInAnyPackage(Arrays.stream(PROTOCOLS)
                        .map(p -> "io.ferrymq." + p + "..").toArray(String[]::new))
                .check(mainClasses);
    }

    /**
     * The types of the core an adapter may use: the API package, the message model, the errors, and the
     * value types of lower layers that the API's methods take and return (listed in docs/adapter-api.md).
     */
    static final Set<String> PUBLISHED = Set.of(
            "io.ferrymq.core.queue.Delivery", "io.ferrymq.core.queue.Subscription", "io.ferrymq.core.queue.Outcome",
            "io.ferrymq.core.queue.ConsumeOptions", "io.ferrymq.core.queue.PullOptions",
            "io.ferrymq.core.queue.QueueStats", "io.ferrymq.core.queue.MessageEvent",
            "io.ferrymq.core.vhost.QueueDeclaration", "io.ferrymq.core.vhost.ExchangeDeclaration",
            "io.ferrymq.core.vhost.BindingDeclaration", "io.ferrymq.core.vhost.QueueInfo",
            "io.ferrymq.core.routing.ExchangeType", "io.ferrymq.core.routing.BindingTarget",
            "io.ferrymq.core.routing.NamePattern", "io.ferrymq.core.routing.StandardExchanges",
            "io.ferrymq.core.filter.FilterSpec", "io.ferrymq.core.filter.MessageFilter",
            "io.ferrymq.core.security.BrokerPrincipal", "io.ferrymq.core.security.ClientInfo",
            "io.ferrymq.core.security.Permission",
            "io.ferrymq.core.state.StateStore", "io.ferrymq.core.state.MessageFormat",
            "io.ferrymq.core.storage.SyncTimings",
            "io.ferrymq.core.stream.StreamSpec", "io.ferrymq.core.stream.StreamInfo", "io.ferrymq.core.stream.ShardInfo",
            "io.ferrymq.core.stream.StreamMode", "io.ferrymq.core.stream.StreamStatus",
            "io.ferrymq.core.stream.AppendRequest", "io.ferrymq.core.stream.AppendResult",
            "io.ferrymq.core.stream.ShardAdmission", "io.ferrymq.core.stream.ReadResult",
            "io.ferrymq.core.stream.StreamRecord", "io.ferrymq.core.stream.HashKeys");

    private static final Set<String> API_PACKAGES = Set.of("io.ferrymq.core.api", "io.ferrymq.core.message",
            "io.ferrymq.core.errors");

    private static final DescribedPredicate<JavaClass> CORE_INTERNAL = DescribedPredicate.describe("core internals",
            c -> {
                JavaClass top = c.isArray() ? c.getBaseComponentType() : c;
                while (top.getEnclosingClass().isPresent()) {
                    top = top.getEnclosingClass().get();
                }
                String pkg = top.getPackageName();
                return pkg.startsWith("io.ferrymq.core.") && !API_PACKAGES.contains(pkg)
                        && !PUBLISHED.contains(top.getName());
            });
}
