package io.ferrymq.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import io.ferrymq.stomp.boundaryfixture.AdapterReachingIntoTheCore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter boundary as rules over the compiled main classes: protocol modules never see each other,
 * and reach the core only through its API. The last two rules are frozen at the violations that existed
 * when they were written (kept in {@code src/test/resources/archunit-frozen}): a new violation fails the
 * build, a removed one shrinks the store, and the adapter-boundary work empties it.
 */
class AdapterBoundaryTest {

    private static final String[] PROTOCOLS = {"stomp", "mqtt", "amqp", "aws"};

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // The modules arrive as jars in a reactor build; their test-jars hold test fixtures, not code.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.ferrymq");
    }

    @ParameterizedTest(name = "{0} depends on no other protocol module")
    @ValueSource(strings = {"stomp", "mqtt", "amqp", "aws"})
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

    @Test
    void theCorePackagesFormNoCycles() {
        FreezingArchRule.freeze(slices().matching("io.ferrymq.core.(*)..").should().beFreeOfCycles()
                .as("the core's packages form no import cycles")).check(mainClasses);
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
