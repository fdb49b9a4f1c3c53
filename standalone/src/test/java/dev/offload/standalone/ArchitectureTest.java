package dev.offload.standalone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lines the conventions draw between modules and around third-party clients. */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.offload");
    }

    @Test
    void jedisIsUsedOnlyByTheRedisStores() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.offload.store.redis..", "dev.offload.webhooks.redis..", "dev.offload.testing..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("redis.clients..")
                .check(production);
    }

    @Test
    void kafkaClientsAreUsedOnlyByTheKafkaTransportAndTheEmbeddedBroker() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.offload.transport.kafka..", "dev.offload.kafka.embedded..", "dev.offload.testing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "io.vertx.kafka..", "kafka..")
                .check(production);
    }

    @Test
    void rabbitMqClientIsUsedOnlyByTheRabbitMqTransport() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.offload.transport.rabbitmq..", "dev.offload.testing..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.rabbitmq..")
                .allowEmptyShould(true)
                .check(production);
    }

    @Test
    void gatewayAndWorkerNeverDependOnEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.offload.gateway..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.offload.worker..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("dev.offload.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.offload.gateway..")
                .check(production);
    }

    @Test
    void coreModulesDoNotDependOnTheProcessesBuiltOnThem() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.offload.model..",
                        "dev.offload.schema..",
                        "dev.offload.store..",
                        "dev.offload.transport..",
                        "dev.offload.config..",
                        "dev.offload.webhooks..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.offload.gateway..", "dev.offload.worker..", "dev.offload.standalone..")
                .check(production);
    }

    @Test
    void featuresHaveNoCycles() {
        slices().matching("dev.offload.(*)..").should().beFreeOfCycles().check(production);
    }
}
