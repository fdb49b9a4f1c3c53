package dev.offload.store.redis;

import dev.offload.store.CacheStore;
import dev.offload.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The {@link CacheStore} on Redis: one binary string per key ({@code prefix:cache:key}) with a millisecond expiry.
 * Keys carry no hash tag: every operation touches one key, so they spread over a Redis Cluster's slots.
 *
 * <p>Thread-safe. Every method <strong>blocks</strong> on network I/O; failures throw
 * {@link StoreUnavailableException}.
 */
final class RedisCacheStore implements CacheStore {
    private final UnifiedJedis redis;
    private final String prefix;
    private final String where;

    RedisCacheStore(UnifiedJedis redis, String keyPrefix, String where) {
        this.redis = redis;
        this.prefix = keyPrefix + ":cache:";
        this.where = where;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(call(() -> redis.get(bytes(key))));
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        CacheStore.requirePositive(ttl);
        call(() -> redis.set(bytes(key), value, SetParams.setParams().px(ttl.toMillis())));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        CacheStore.requirePositive(ttl);
        return "OK"
                .equals(call(() ->
                        redis.set(bytes(key), value, SetParams.setParams().nx().px(ttl.toMillis()))));
    }

    @Override
    public void delete(String key) {
        call(() -> redis.del(bytes(key)));
    }

    @Override
    public void close() {
        redis.close();
    }

    private byte[] bytes(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new StoreUnavailableException("the cache on Redis (" + where + ") is unavailable: " + e, e);
        }
    }
}
