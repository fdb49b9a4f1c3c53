package dev.offload.store.redis;

import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.RedisStoreConfig;
import java.net.URI;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.util.JedisURIHelper;

/** Opens the Redis store; use {@link JobStores#redis} instead. Thread-safe. */
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

    static RedisClient client(RedisStoreConfig config) {
        return RedisClient.builder()
                .hostAndPort(JedisURIHelper.getHostAndPort(config.uri()))
                .clientConfig(clientConfig(config))
                .poolConfig(poolConfig(config))
                .build();
    }

    private static JedisClientConfig clientConfig(RedisStoreConfig config) {
        URI uri = config.uri();
        int timeoutMillis = Math.toIntExact(config.timeout().toMillis());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .clientName("offload-store")
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
