package dev.offload.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.store.JobStores;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RateLimitStoreContract;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.testing.RedisFixture;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The rate-limit contract on a real Redis; two store instances stand for two gateways. */
class RedisRateLimitStoreIT extends RateLimitStoreContract {
    private static final String PREFIX =
            "offload-test-rl-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected RateLimitStore openLimits() {
        return JobStores.redisRateLimits(config(RedisFixture.uri()));
    }

    private static RedisStoreConfig config(String uri) {
        return new RedisStoreConfig(URI.create(uri), 8, Duration.ofMillis(500), PREFIX);
    }

    @AfterAll
    static void deleteKeys() {
        RedisFixture.deleteKeys(PREFIX);
    }

    @Test
    void twoInstancesShareOneBucket() {
        try (RateLimitStore other = openLimits()) {
            limits.admit("shared", 3, Duration.ofMinutes(1));
            other.admit("shared", 3, Duration.ofMinutes(1));
            limits.admit("shared", 3, Duration.ofMinutes(1));

            assertThat(other.admit("shared", 3, Duration.ofMinutes(1)).admitted())
                    .isFalse();
        }
    }

    @Test
    void unreachableRedisIsStoreUnavailable() {
        try (RateLimitStore dead = JobStores.redisRateLimits(config("redis://127.0.0.1:1"))) {
            assertThatThrownBy(() -> dead.admit("any", 1, Duration.ofSeconds(1)))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }
}
