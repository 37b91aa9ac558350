package io.ferrymq.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
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
 * The adapter boundary as rules over the compiled main classes: protocol modules never see each other,
 * and reach the core only through its API. The second rule is frozen at the violations that existed when
 * it was written (kept in {@code src/test/resources/archunit-frozen}): a new violation fails the build, a
 * removed one shrinks the store, and the adapter-boundary work empties it.
 */
class AdapterBoundaryTest {

    private static final String[] PROTOCOLS = {"stomp", "mqtt", "amqp", "aws", "openwire"};

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        // Each module's jar (or class folder) by the code source of one of its classes: scanning the whole
        // class path for the package would read every library jar too.
        Set<Location> modules = Stream.of(io.ferrymq.core.Broker.class, io.ferrymq.transport.NettyServer.class,
                        io.ferrymq.stomp.StompProtocol.class, io.ferrymq.mqtt.MqttProtocol.class,
                        io.ferrymq.amqp.AmqpProtocol.class, io.ferrymq.aws.AwsApiProtocol.class,
                        io.ferrymq.openwire.OpenwireProtocol.class,
                        io.ferrymq.server.Main.class)
                .map(c -> Location.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString())))
                .collect(Collectors.toSet());
        mainClasses = new ClassFileImporter().importLocations(modules);
    }

    @ParameterizedTest(name = "{0} depends on no other protocol module")
    @ValueSource(strings = {"stomp", "mqtt", "amqp", "aws", "openwire"})
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
        FreezingArchRule.freeze(adaptersStayOffCoreInternals()).check(mainClasses);
    }

    @Test
    void theCoreRuleCatchesAnAdapterThatImportsACoreInternal() {
        JavaClasses fixture = new ClassFileImporter().importClasses(AdapterReachingIntoTheCore.class);
        var result = adaptersStayOffCoreInternals().evaluate(fixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("VirtualHost"))
                .anySatisfy(line -> assertThat(line).contains("Journal"));
    }

    static ArchRule adaptersStayOffCoreInternals() {
        return noClasses().that().resideInAnyPackage(Arrays.stream(PROTOCOLS)
                        .map(p -> "io.ferrymq." + p + "..").toArray(String[]::new))
                .should().dependOnClassesThat(CORE_INTERNAL)
                .as("protocol modules use only the core's API (not vhost, journal, storage, paging, exec, memory or Queue)");
    }

    /** The core's insides; the declaration records in vhost are Admin's parameters and so part of the API. */
    private static final DescribedPredicate<JavaClass> CORE_INTERNAL = DescribedPredicate.describe("core internals",
            c -> c.getName().equals("io.ferrymq.core.queue.Queue")
                    || (c.getPackageName().startsWith("io.ferrymq.core.")
                        && isInternalPackage(c.getPackageName())
                        && !c.getSimpleName().endsWith("Declaration")
                        && !c.getSimpleName().equals("QueueInfo")));

    private static boolean isInternalPackage(String pkg) {
        for (String internal : new String[] {"vhost", "journal", "storage", "paging", "exec", "memory"}) {
            String p = "io.ferrymq.core." + internal;
            if (pkg.equals(p) || pkg.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }
}
