package dev.offload.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.store.CacheStore;
import dev.offload.store.CacheStoreContract;
import dev.offload.store.CacheStores;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.testing.RedisFixture;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The cache contract on a real Redis ({@link RedisFixture}), under a key prefix of this run. */
class RedisCacheStoreIT extends CacheStoreContract {
    private static final String PREFIX =
            "offload-test-cache-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected CacheStore openCache() {
        return CacheStores.redis(config(PREFIX, RedisFixture.uri()));
    }

    private static RedisStoreConfig config(String prefix, String uri) {
        return new RedisStoreConfig(URI.create(uri), 4, Duration.ofMillis(500), prefix);
    }

    @AfterAll
    static void deleteTheKeysOfThisRun() {
        RedisFixture.deleteKeys(PREFIX);
    }

    @Test
    void cachesWithAnotherPrefixDoNotSeeTheValues() {
        cache.put("shared-name", new byte[] {1}, Duration.ofMinutes(1));

        try (CacheStore other = CacheStores.redis(config(PREFIX + "-other", RedisFixture.uri()))) {
            assertThat(other.get("shared-name")).isEmpty();
        }
    }

    @Test
    void unreachableRedisFailsAsStoreUnavailable() {
        try (CacheStore unreachable = CacheStores.redis(config(PREFIX, "redis://127.0.0.1:1"))) {
            assertThatThrownBy(() -> unreachable.get("k"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1");
        }
    }
}
