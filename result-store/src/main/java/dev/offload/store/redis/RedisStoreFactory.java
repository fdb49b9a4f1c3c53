package dev.offload.store.redis;

import dev.offload.store.CacheStore;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.JobWrites;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RedisStoreConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.util.JedisURIHelper;

/** Opens the Redis store and cache; use {@link JobStores#redis} and {@code CacheStores.redis} instead. Thread-safe. */
public final class RedisStoreFactory {
    private RedisStoreFactory() {}

    /** Builds the pooled client and the event subscriber; connects lazily. */
    public static JobStore open(RedisStoreConfig config) {
        HostAndPort address = JedisURIHelper.getHostAndPort(config.uri());
        JedisClientConfig clientConfig = clientConfig(config);
        RedisClient client = client(config);
        RedisKeys keys = new RedisKeys(config.keyPrefix());
        RedisEventSubscriber events = new RedisEventSubscriber(address, clientConfig, keys.events(), config.timeout());
        return new RedisJobStore(client, keys, events, config);
    }

    /**
     * The submission writes without blocking, on Vert.x's Redis client with a connection pool of its own; connects
     * lazily.
     */
    public static JobWrites openWrites(Vertx vertx, RedisStoreConfig config) {
        return new RedisJobWrites(vertx, config);
    }

    /**
     * Builds the cache's pooled client (its own pool, so cache traffic cannot take the store's connections); connects
     * lazily.
     */
    public static CacheStore openCache(RedisStoreConfig config) {
        return new RedisCacheStore(client(config, "offload-cache"), config.keyPrefix(), config.redactedUri());
    }

    /**
     * Rate-limit buckets on the store's Redis, with a connection pool of their own (so that limit checks never wait
     * behind job writes, and the other way round); connects lazily.
     */
    public static RateLimitStore openRateLimits(RedisStoreConfig config) {
        return new RedisRateLimitStore(client(config, "offload-limits"), new RedisKeys(config.keyPrefix()), config);
    }

    /** A pooled client of the store's own; connects lazily. */
    static RedisClient client(RedisStoreConfig config) {
        return client(config, "offload-store");
    }

    private static RedisClient client(RedisStoreConfig config, String clientName) {
        return RedisClient.builder()
                .hostAndPort(JedisURIHelper.getHostAndPort(config.uri()))
                .clientConfig(clientConfig(config, clientName))
                .poolConfig(poolConfig(config))
                .build();
    }

    private static JedisClientConfig clientConfig(RedisStoreConfig config) {
        return clientConfig(config, "offload-store");
    }

    private static JedisClientConfig clientConfig(RedisStoreConfig config, String clientName) {
        URI uri = config.uri();
        int timeoutMillis = Math.toIntExact(config.timeout().toMillis());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .clientName(clientName)
                // The scripts' replies are read as RESP2 shapes; pinning it also skips a HELLO round trip per
                // connection.
                .protocol(RedisProtocol.RESP2);
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            builder.sslOptions(SslOptions.defaults()); // rediss://: TLS with the JVM's trust store
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            builder.database(JedisURIHelper.getDBIndex(uri));
        }
        return builder.build();
    }

    private static ConnectionPoolConfig poolConfig(RedisStoreConfig config) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.poolSize());
        pool.setMaxIdle(config.poolSize());
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(config.timeout()); // an exhausted pool fails like a timeout, not a hang
        return pool;
    }
}
