package dev.offload.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import dev.offload.store.RedisStoreConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheConfigTest {

    @Test
    void cacheUsesTheStoresRedisUnlessItHasItsOwn() {
        RedisStoreConfig store = RedisStoreConfig.defaults();

        CacheConfig shared = CacheConfig.from(Settings.of(Map.of()));
        CacheConfig own = CacheConfig.from(Settings.of(Map.of("gateway.cache.redisUri", "redis://cache-host:6380")));

        assertThat(shared.redis(store)).isEqualTo(store);
        assertThat(own.redis(store).uri()).isEqualTo(URI.create("redis://cache-host:6380"));
        assertThat(own.redis(store).keyPrefix()).isEqualTo(store.keyPrefix());
    }

    @Test
    void redisUriThatIsNotRedisStopsStartUpNamingTheKeyWithoutThePassword() {
        Settings settings = Settings.of(Map.of("gateway.cache.redisUri", "http://user:secret@cache-host"));

        CacheConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(CacheConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.cache.redisUri")
                .hasMessageNotContaining("secret");
    }
}
