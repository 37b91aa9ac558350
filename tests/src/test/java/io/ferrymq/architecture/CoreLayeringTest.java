package io.ferrymq.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's packages in layers, each seeing only those below it, so that a change to the queue cannot
 * ripple into the message model and the API ({@code core.api}) is the one place that sees everything:
 * errors &lt; message &lt; filter &lt; routing &lt; (policy, security, storage) &lt; journal &lt; (state, paging) &lt; queue
 * &lt; vhost &lt; api, with the executors ({@code exec}) and the memory budget beside the bottom; the stream store
 * ({@code stream}) sits on the executors alone, beside the queues. The at-rest encryption ({@code atrest})
 * depends on nothing and serves every store that writes files (journal, paging, stream).
 */
class CoreLayeringTest {

    private static JavaClasses core;

    @BeforeAll
    static void importTheCore() {
        Location jar = Location.of(URI.create(io.ferrymq.core.api.Broker.class.getProtectionDomain().getCodeSource()
                .getLocation().toString()));
        core = new ClassFileImporter().importLocations(java.util.Set.of(jar));
    }

    @Test
    void theCorePackagesFormNoCycle() {
        slices().matching("io.ferrymq.core.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void eachCoreLayerSeesOnlyTheLayersBelowIt() {
        layers().check(core);
    }

    @Test
    void theLayeringRuleCatchesALowerLayerThatReachesUp() {
        var downward = layers().withOptionalLayers(true).evaluate(new ClassFileImporter().importClasses(
                io.ferrymq.core.api.Route.class, io.ferrymq.core.routing.DefaultExchange.class));
        assertThat(downward.hasViolation()).as("an API class using routing, below it, is fine").isFalse();
        var upward = layers().withOptionalLayers(true).evaluate(new ClassFileImporter().importClasses(
                io.ferrymq.architecture.fixture.message.MessageLayerReachingUp.class, io.ferrymq.core.queue.Queue.class));
        assertThat(upward.hasViolation()).isTrue();
        assertThat(upward.getFailureReport().getDetails()).anySatisfy(line -> assertThat(line).contains("Queue"));
    }

    static LayeredArchitecture layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("errors").definedBy("io.ferrymq.core.errors..")
                .layer("exec").definedBy("io.ferrymq.core.exec..")
                .layer("memory").definedBy("io.ferrymq.core.memory..")
                .layer("message").definedBy("io.ferrymq.core.message..", "io.ferrymq.architecture.fixture.message..")
                .layer("filter").definedBy("io.ferrymq.core.filter..")
                .layer("routing").definedBy("io.ferrymq.core.routing..")
                .layer("policy").definedBy("io.ferrymq.core.policy..")
                .layer("security").definedBy("io.ferrymq.core.security..")
                .layer("storage").definedBy("io.ferrymq.core.storage..")
                .layer("atrest").definedBy("io.ferrymq.core.atrest..")
                .layer("journal").definedBy("io.ferrymq.core.journal..")
                .layer("state").definedBy("io.ferrymq.core.state..")
                .layer("paging").definedBy("io.ferrymq.core.paging..")
                .layer("queue").definedBy("io.ferrymq.core.queue..")
                .layer("vhost").definedBy("io.ferrymq.core.vhost..")
                .layer("stream").definedBy("io.ferrymq.core.stream..")
                .layer("api").definedBy("io.ferrymq.core.api..")
                .whereLayer("errors").mayNotAccessAnyLayer()
                .whereLayer("exec").mayOnlyAccessLayers("errors")
                .whereLayer("memory").mayOnlyAccessLayers("errors")
                .whereLayer("message").mayOnlyAccessLayers("errors")
                .whereLayer("filter").mayOnlyAccessLayers("errors", "message")
                .whereLayer("routing").mayOnlyAccessLayers("errors", "message", "filter")
                .whereLayer("policy").mayOnlyAccessLayers("errors", "message", "filter", "routing")
                .whereLayer("security").mayOnlyAccessLayers("errors", "message", "filter", "routing")
                .whereLayer("storage").mayOnlyAccessLayers("errors", "message", "filter", "routing")
                .whereLayer("atrest").mayNotAccessAnyLayer()
                .whereLayer("journal").mayOnlyAccessLayers("errors", "message", "filter", "routing", "storage",
                        "atrest")
                .whereLayer("state").mayOnlyAccessLayers("errors", "message", "storage", "journal")
                .whereLayer("paging").mayOnlyAccessLayers("errors", "message", "storage", "journal", "atrest")
                .whereLayer("queue").mayOnlyAccessLayers("errors", "exec", "memory", "message", "filter", "routing",
                        "policy", "storage", "paging")
                .whereLayer("vhost").mayOnlyAccessLayers("errors", "exec", "memory", "message", "filter", "routing",
                        "policy", "storage", "journal", "paging", "queue")
                .whereLayer("stream").mayOnlyAccessLayers("errors", "exec", "atrest")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .as("core layers: errors < message < filter < routing < policy, security, storage < journal"
                        + " < state, paging < queue < vhost < api; stream beside them");
    }
}
