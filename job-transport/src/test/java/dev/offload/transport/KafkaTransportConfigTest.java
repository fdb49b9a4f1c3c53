package dev.offload.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaTransportConfigTest {

    @Test
    void defaultsServeOneQueueOnALocalBroker() {
        KafkaTransportConfig config = KafkaTransportConfig.from(Settings.of(Map.of()));

        assertThat(config).isEqualTo(KafkaTransportConfig.defaults());
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.queues()).containsExactly("default");
        assertThat(config.topic("default")).isEqualTo("offload.jobs.default");
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void settingsAreRead() {
        Settings settings = Settings.of(Map.of(
                "transport.kafka.bootstrapServers", "k1:9092,k2:9093",
                "transport.kafka.partitions", "12",
                "transport.kafka.replicationFactor", "3",
                "transport.kafka.publishTimeout", "2s",
                "transport.queues", "default, reports"));

        KafkaTransportConfig config = KafkaTransportConfig.from(settings);
        settings.validate(KafkaTransportConfig.keys());

        assertThat(config.bootstrapServers()).isEqualTo("k1:9092,k2:9093");
        assertThat(config.partitions()).isEqualTo(12);
        assertThat(config.replicationFactor()).isEqualTo(3);
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.queues()).containsExactly("default", "reports");
    }

    @Test
    void everyInvalidValueIsReportedWithItsKey() {
        Settings settings = Settings.of(Map.of(
                "transport.kafka.bootstrapServers", "no-port",
                "transport.kafka.partitions", "0",
                "transport.queues", "good,bad/queue"));

        KafkaTransportConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(KafkaTransportConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).violations())
                        .anyMatch(v -> v.startsWith("transport.kafka.bootstrapServers"))
                        .anyMatch(v -> v.startsWith("transport.kafka.partitions"))
                        .anyMatch(v -> v.startsWith("transport.queues") && v.contains("bad/queue")));
    }

    @Test
    void constructorRejectsADuplicateQueue() {
        assertThatThrownBy(() -> new KafkaTransportConfig(
                        "127.0.0.1:9092",
                        "p.",
                        1,
                        1,
                        Duration.ofSeconds(1),
                        "g",
                        List.of("a", "a"),
                        List.of(),
                        PriorityWeights.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transport.queues");
    }

    @Test
    void aPriorityQueueHasOneTopicPerLevelAndTheDefaultLevelKeepsTheQueuesTopic() {
        Settings settings = Settings.of(Map.of(
                "transport.queues", "default,reports",
                "transport.kafka.priorityQueues", "reports",
                "transport.kafka.priorityWeights.urgent", "8",
                "transport.kafka.priorityWeights.high", "4",
                "transport.kafka.priorityWeights.normal", "2"));

        KafkaTransportConfig config = KafkaTransportConfig.from(settings);
        settings.validate(KafkaTransportConfig.keys());

        assertThat(config.topics("default")).containsExactly("offload.jobs.default");
        assertThat(config.topics("reports"))
                .containsExactlyInAnyOrder(
                        "offload.jobs.reports", "offload.jobs.reports.high", "offload.jobs.reports.urgent");
        assertThat(config.topic("reports", 0)).isEqualTo("offload.jobs.reports");
        assertThat(config.topic("reports", 5)).isEqualTo("offload.jobs.reports.high");
        assertThat(config.topic("reports", 9)).isEqualTo("offload.jobs.reports.urgent");
        assertThat(config.topic("default", 9)).isEqualTo("offload.jobs.default");
        assertThat(config.priorityWeights()).isEqualTo(new PriorityWeights(8, 4, 2));
    }

    @Test
    void priorityQueuesMustBeQueuesWhoseLevelTopicsClashWithNoOtherQueue() {
        Settings settings = Settings.of(Map.of(
                "transport.queues", "a,a.urgent",
                "transport.kafka.priorityQueues", "a,missing",
                "transport.kafka.priorityWeights.high", "0"));

        KafkaTransportConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(KafkaTransportConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).violations())
                        .anyMatch(v -> v.startsWith("transport.kafka.priorityQueues") && v.contains("'missing'"))
                        .anyMatch(v -> v.startsWith("transport.kafka.priorityQueues") && v.contains("'a.urgent'"))
                        .anyMatch(v -> v.startsWith("transport.kafka.priorityWeights.high")));
    }

    @Test
    void withQueuesKeepsOnlyThePriorityQueuesAmongThem() {
        KafkaTransportConfig config = KafkaTransportConfig.defaults()
                .withQueues(List.of("default", "reports", "mail"))
                .withPriorities(List.of("reports", "mail"), PriorityWeights.defaults());

        KafkaTransportConfig onKafka = config.withQueues(List.of("default", "reports"));

        assertThat(onKafka.priorityQueues()).containsExactly("reports");
    }
}
