package dev.offload.store.redis;

import dev.offload.store.RateLimitStore;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Rate-limit buckets on Redis: one GCRA script call per admission ({@code gcra.lua}), one key per bucket holding a
 * single number, expiring when the quota is full again. The script reads Redis's clock, so gateways with skewed
 * clocks still share one exact limit. GCRA was chosen over a sliding-window log by measurement (docs/performance.md,
 * {@code RateLimitScriptBench}).
 *
 * <p>Thread-safe. {@link #admit} <strong>blocks</strong> for one round trip: never call it from an event loop.
 */
final class RedisRateLimitStore implements RateLimitStore {
    static final LuaScript GCRA = LuaScript.load("gcra");

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String where;
    private final int poolSize;

    RedisRateLimitStore(UnifiedJedis redis, RedisKeys keys, RedisStoreConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.where = config.redactedUri();
        this.poolSize = config.poolSize();
    }

    @Override
    public int maxConcurrentCalls() {
        return poolSize;
    }

    @Override
    public Admission admit(String bucket, long limit, Duration window) {
        if (limit < 1 || window.toMillis() < 1) {
            throw new IllegalArgumentException("limit and window must be positive, but were " + limit + ", " + window);
        }
        List<String> args = List.of(Long.toString(limit), Long.toString(window.toMillis()));
        try {
            List<?> reply = (List<?>) GCRA.run(redis, List.of(keys.rateLimit(bucket)), args);
            return new Admission(
                    ((Long) reply.get(0)) == 1,
                    (Long) reply.get(1),
                    Duration.ofMillis((Long) reply.get(2)),
                    Duration.ofMillis((Long) reply.get(3)));
        } catch (JedisDataException e) {
            throw new IllegalStateException("Redis rejected the rate-limit script: " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new StoreUnavailableException(
                    "Redis at " + where + " is unavailable (rate limit): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
