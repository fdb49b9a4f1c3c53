package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.ConfigReference;
import dev.offload.config.Settings;
import dev.offload.transport.PriorityWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReferenceTest {
    private static final OffloadNode.Roles BOTH_ROLES = new OffloadNode.Roles(true, true);

    @Test
    void configurationReferenceIsUpToDate() throws Exception {
        Path page = Path.of("..", "docs", "configuration.md");
        String expected = ConfigReference.markdown(ConfigCatalog.all());

        assertThat(page)
                .as("docs/configuration.md: regenerate with"
                        + " `java -jar standalone/target/offload.jar config-reference > docs/configuration.md`")
                .exists();
        assertThat(Files.readString(page))
                .as("docs/configuration.md is stale: regenerate with"
                        + " `java -jar standalone/target/offload.jar config-reference > docs/configuration.md`")
                .isEqualTo(expected);
    }

    @Test
    void everyKeyHasDocumentation() {
        assertThat(ConfigCatalog.all())
                .allSatisfy(key -> assertThat(key.doc()).as(key.name()).isNotBlank());
    }

    @Test
    void invalidConfigurationNamesEveryBadKeyAtOnce() {
        Settings settings = Settings.load(
                null,
                Map.of("OFFLOAD_GATEWAY_PORT", "eighty"),
                Map.of("worker.concurrency", "0", "store.type", "memcached"));

        assertThatThrownBy(() -> NodeConfig.read(settings, BOTH_ROLES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(
                        "gateway.port", "OFFLOAD_GATEWAY_PORT", "worker.concurrency", "store.type", "redis, embedded");
    }

    @Test
    void gatewayWithoutApiKeysIsRefused() {
        Settings settings = Settings.load(null, Map.of(), Map.of());

        assertThatThrownBy(() -> NodeConfig.read(settings, BOTH_ROLES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.apiKeys is empty");
    }

    @Test
    void unknownKeyInTheFileIsReported(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("offload.yaml");
        Files.writeString(file, "gateway:\n  prot: 8080\n");

        Settings settings = Settings.load(file, Map.of(), Map.of());

        assertThatThrownBy(() -> settings.validate(ConfigCatalog.all()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("gateway.prot", "unknown configuration key");
    }

    @Test
    void theExampleConfigurationIsValid() {
        Settings settings = Settings.load(Path.of("..", "deploy", "offload.yaml"), Map.of(), Map.of());

        NodeConfig config = NodeConfig.read(settings, BOTH_ROLES);

        assertThat(config.kafka().queues()).containsExactly("default", "reports");
        assertThat(config.gateway().apiKeys()).containsEntry("change-me-0123456789abcdef", "acme");
        assertThat(config.process().storeType()).isEqualTo("redis");
    }

    @Test
    void aRouteNamingAnUndeclaredRateLimitPolicyIsRefusedAtStartUp() {
        Settings settings = Settings.load(
                null,
                Map.of(),
                Map.of(
                        "gateway.apiKeys", "k-0123456789abcdef=acme",
                        "rateLimits", "per-key.limit=10,per-key.window=60s",
                        "routes.reports.path", "/reports/**",
                        "routes.reports.upstreams", "http://reports:8080",
                        "routes.reports.rateLimit", "per-key,per-tenant"));

        assertThatThrownBy(() -> NodeConfig.read(settings, BOTH_ROLES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("routes.reports.rateLimit", "'per-tenant'");
    }

    @Test
    void aKafkaPriorityQueueThatRunsOnRabbitMqIsRefused() {
        Settings settings = Settings.load(
                null,
                Map.of(),
                Map.of(
                        "gateway.apiKeys", "k-0123456789abcdef=acme",
                        "transport.queues", "default,reports",
                        "transport.rabbitmq.queues", "reports",
                        "transport.kafka.priorityQueues", "reports"));

        assertThatThrownBy(() -> NodeConfig.read(settings, BOTH_ROLES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(
                        "transport.kafka.priorityQueues", "'reports'", "transport.rabbitmq.priorityQueues");
    }

    @Test
    void priorityWeightsCanBeWrittenAsAMappingInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("offload.yaml");
        Files.writeString(file, """
                gateway:
                  apiKeys: {k-0123456789abcdef: acme}
                transport:
                  queues: [default]
                  kafka:
                    priorityQueues: [default]
                    priorityWeights: {urgent: 10, high: 5, normal: 2}
                """);

        NodeConfig config = NodeConfig.read(Settings.load(file, Map.of(), Map.of()), BOTH_ROLES);

        assertThat(config.kafka().isPriorityQueue("default")).isTrue();
        assertThat(config.kafka().priorityWeights()).isEqualTo(new PriorityWeights(10, 5, 2));
    }
}
