package dev.offload.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisStoreConfigTest {

    @Test
    void defaultsPointAtALocalRedis() {
        RedisStoreConfig config = RedisStoreConfig.from(Settings.of(Map.of()));

        assertThat(config).isEqualTo(RedisStoreConfig.defaults());
        assertThat(config.uri()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
        assertThat(config.poolSize()).isEqualTo(64);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.keyPrefix()).isEqualTo("offload");
    }

    @Test
    void readsEveryKey() {
        Settings settings = Settings.of(Map.of(
                "store.redis.uri", "redis://redis.internal:6380/2",
                "store.redis.poolSize", "8",
                "store.redis.timeout", "500ms",
                "store.redis.keyPrefix", "staging"));

        RedisStoreConfig config = RedisStoreConfig.from(settings);
        settings.validate(RedisStoreConfig.keys());

        assertThat(config)
                .isEqualTo(new RedisStoreConfig(
                        URI.create("redis://redis.internal:6380/2"), 8, Duration.ofMillis(500), "staging"));
    }

    @Test
    void invalidValuesAreAllReportedByTheirKeys() {
        Settings settings = Settings.of(Map.of(
                "store.redis.uri", "http://example.com",
                "store.redis.poolSize", "0",
                "store.redis.keyPrefix", "a{b}"));

        RedisStoreConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(RedisStoreConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.uri")
                .hasMessageContaining("store.redis.poolSize")
                .hasMessageContaining("store.redis.keyPrefix");
    }

    @Test
    void passwordIsNotShownInToString() {
        RedisStoreConfig config = new RedisStoreConfig(
                URI.create("redis://app:s3cret@redis.internal:6379"), 4, Duration.ofSeconds(1), "offload");

        assertThat(config.toString()).doesNotContain("s3cret").contains("***@redis.internal");
    }
}
