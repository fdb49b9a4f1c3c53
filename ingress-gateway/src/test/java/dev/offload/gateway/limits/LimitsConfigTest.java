package dev.offload.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import dev.offload.gateway.limits.RateLimitPolicy.Partition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsConfigTest {

    @Test
    void policiesAreReadFromTheFlattenedMapping() {
        Settings settings = Settings.of(Map.of(
                "rateLimits", "per-key.limit=100,per-key.window=1m,per-ip.limit=5,per-ip.by=ip",
                "limits.jobApi", "per-key,per-ip"));

        LimitsConfig config = LimitsConfig.from(settings);
        settings.validate(LimitsConfig.keys());

        assertThat(config.policies(config.jobApi()))
                .containsExactly(
                        new RateLimitPolicy("per-key", 100, Duration.ofMinutes(1), Partition.API_KEY),
                        new RateLimitPolicy("per-ip", 5, Duration.ofMinutes(1), Partition.IP));
        assertThat(config.failOpen()).isTrue();
    }

    @Test
    void readmeExampleIsValidYaml(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("offload.yaml");
        Files.writeString(file, """
                rateLimits:
                  per-key: {limit: 600, window: 60s, by: apiKey}
                  per-ip:  {limit: 100, window: 1s,  by: ip}
                limits:
                  jobApi: [per-key, per-ip]
                  trustedProxies: [10.0.0.0/8]
                  onStoreFailure: closed
                  maxUnfinishedJobs: 10000
                """);
        Settings settings = Settings.load(file, Map.of(), Map.of());

        LimitsConfig config = LimitsConfig.from(settings);
        settings.validate(LimitsConfig.keys());

        assertThat(config.policies(config.jobApi()))
                .containsExactly(
                        new RateLimitPolicy("per-key", 600, Duration.ofMinutes(1), Partition.API_KEY),
                        new RateLimitPolicy("per-ip", 100, Duration.ofSeconds(1), Partition.IP));
        assertThat(config.failOpen()).isFalse();
        assertThat(config.maxUnfinishedJobs()).isEqualTo(10_000);
    }

    @Test
    void everyProblemNamesItsKey() {
        Settings settings = Settings.of(Map.of(
                "rateLimits", "a.limit=0,b.limit=5,b.by=user,c.window=5s,d.limit=1,d.window=1500ms,d.burst=3",
                "limits.jobApi", "a,missing",
                "limits.trustedProxies", "10.0.0.0/33,proxy.example.com"));

        LimitsConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(LimitsConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rateLimits.a.limit must be an integer from 1")
                .hasMessageContaining("rateLimits.b.by must be apiKey or ip, but was 'user'")
                .hasMessageContaining("rateLimits.c.limit is required")
                .hasMessageContaining("rateLimits.d.window must be a whole number of seconds")
                .hasMessageContaining("rateLimits.d.burst: unknown field")
                .hasMessageContaining("limits.jobApi names policy 'missing'")
                .hasMessageContaining("limits.trustedProxies: '10.0.0.0/33' has a prefix length out of range")
                .hasMessageContaining("limits.trustedProxies: 'proxy.example.com' is not an IP address");
    }

    @Test
    void noLimitsByDefault() {
        LimitsConfig config = LimitsConfig.none();

        assertThat(config.policies()).isEmpty();
        assertThat(config.jobApi()).isEmpty();
        assertThat(config.maxUnfinishedJobs()).isZero();
        assertThat(List.of(config.maxBrokerBacklog(), config.maxStoreLatency().toMillis()))
                .containsOnly(0L);
    }
}
