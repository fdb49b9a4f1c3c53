package dev.offload.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.store.JobTimings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void defaultsFollowTheDocumentedValues() {
        WorkerConfig config = WorkerConfig.from(Settings.of(Map.of()));

        assertThat(config.concurrency()).isEqualTo(64);
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.schedulerInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.publishGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.id()).matches(".+-[0-9a-z]{6}");
    }

    @Test
    void generatedIdsDifferBetweenWorkers() {
        assertThat(WorkerConfig.defaults().id())
                .isNotEqualTo(WorkerConfig.defaults().id());
    }

    @Test
    void settingsOverrideEveryKey() {
        Settings settings = Settings.of(Map.of(
                "worker.id", "w-7",
                "worker.concurrency", "4",
                "worker.leaseDuration", "2s",
                "worker.heartbeatInterval", "500ms",
                "worker.retryBackoff", "0s",
                "worker.schedulerInterval", "100ms",
                "worker.shutdownGrace", "1s",
                "jobs.publishGrace", "5s"));

        WorkerConfig config = WorkerConfig.from(settings);
        settings.validate(allKeys());

        assertThat(config)
                .isEqualTo(new WorkerConfig(
                        "w-7",
                        4,
                        Duration.ofSeconds(2),
                        Duration.ofMillis(500),
                        Duration.ZERO,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5)));
    }

    @Test
    void heartbeatOfHalfTheLeaseOrMoreIsRejectedNamingBothKeys() {
        Settings settings = Settings.of(Map.of("worker.leaseDuration", "10s", "worker.heartbeatInterval", "5s"));

        WorkerConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(allKeys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("worker.heartbeatInterval must be less than half of worker.leaseDuration")
                .hasMessageContaining("but was PT5S with worker.leaseDuration PT10S");
    }

    @Test
    void constructorRejectsEveryBadValueAtOnceNamingItsKey() {
        assertThatThrownBy(() -> new WorkerConfig(
                        " ",
                        0,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(-1),
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker.id must not be blank")
                .hasMessageContaining("worker.concurrency must be at least 1, but was 0")
                .hasMessageContaining("worker.retryBackoff must not be negative")
                .hasMessageContaining("worker.schedulerInterval must be positive");
    }

    @Test
    void unparseableValueIsReportedWithItsKeyAndTheAcceptedValues() {
        Settings settings = Settings.of(Map.of("worker.concurrency", "many"));

        WorkerConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(allKeys()))
                .hasMessageContaining("worker.concurrency (command line): 'many' is not an integer")
                .hasMessageContaining("an integer from 1 to 10000");
    }

    @Test
    void consumerOptionsCarryConcurrencyAndShutdownGrace() {
        WorkerConfig config = WorkerConfig.defaults();

        var options = config.consumerOptions(List.of("default"), "offload-workers");

        assertThat(options.maxInFlight()).isEqualTo(64);
        assertThat(options.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    private static List<ConfigKey<?>> allKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(WorkerConfig.keys());
        keys.addAll(JobTimings.keys());
        return keys;
    }
}
