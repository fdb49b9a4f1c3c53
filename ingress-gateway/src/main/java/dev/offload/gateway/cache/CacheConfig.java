package dev.offload.gateway.cache;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.store.RedisStoreConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The response cache's configuration. Immutable; every instance is valid (the constructor names the key of a bad
 * value).
 *
 * @param maxBodySize the largest response body stored; larger responses pass through uncached
 * @param staleRetention how long a stale entry with a validator ({@code ETag} or {@code Last-Modified}) is kept
 *     after it went stale, so that it can be revalidated with a conditional request instead of fetched again
 * @param inProcessEntries the most entries of the in-process cache that replaces Redis in standalone mode
 * @param redisUri a Redis of the cache's own, or {@code null} for the result store's
 * @param lockTimeout how long a gateway's miss holds the key's lock in Redis, so that other gateways wait for its
 *     response instead of calling the upstream too; {@link Duration#ZERO}: no lock (coalescing per gateway only)
 */
public record CacheConfig(
        long maxBodySize, Duration staleRetention, int inProcessEntries, URI redisUri, Duration lockTimeout) {
    private static final String GROUP = "Response cache";

    public static final ConfigKey<Long> MAX_BODY_SIZE = ConfigKey.in(GROUP, "gateway.cache.maxBodySize")
            .doc("Largest upstream response body the cache stores. Larger responses (by Content-Length, or once"
                    + " that many bytes of a chunked body arrived) are streamed to the client uncached.")
            .bytes(1024L * 1024, 0, 64L * 1024 * 1024);
    public static final ConfigKey<Duration> STALE_RETENTION = ConfigKey.in(GROUP, "gateway.cache.staleRetention")
            .doc("How long a stale cached response that has an ETag or Last-Modified is kept, so that the next"
                    + " request revalidates it (If-None-Match / If-Modified-Since; a 304 refreshes it) instead of"
                    + " fetching the whole body again. 0 drops entries as soon as they are stale.")
            .duration(Duration.ofHours(1), Duration.ZERO, Duration.ofDays(7));
    public static final ConfigKey<Integer> IN_PROCESS_ENTRIES = ConfigKey.in(GROUP, "gateway.cache.inProcessEntries")
            .rare()
            .doc("With store.type embedded (standalone, no Redis) the cache lives in the gateway's memory: the most"
                    + " entries it keeps (least recently used evicted first). Ignored with Redis.")
            .integer(10_000, 1, 10_000_000);

    public static final ConfigKey<String> REDIS_URI = ConfigKey.in(GROUP, "gateway.cache.redisUri")
            .doc("A Redis of the cache's own (redis://… or rediss://…); empty: the result store's (store.redis.uri),"
                    + " under store.redis.keyPrefix. Every cache entry expires, but under memory pressure only a"
                    + " Redis with an eviction policy (allkeys-lru) drops them early; a Redis of its own lets the"
                    + " cache use one without putting job records at risk.")
            .string("");

    public static final ConfigKey<Duration> LOCK_TIMEOUT = ConfigKey.in(GROUP, "gateway.cache.lockTimeout")
            .rare()
            .doc("Coalesce misses across gateways too: the first gateway to miss a key holds a lock on it in Redis"
                    + " for up to this long while it calls the upstream, and the other gateways poll the cache for its"
                    + " response (every 50 ms) instead of calling the upstream themselves; they call it after the"
                    + " lock is released without a storable response, or after this long. Costs a Redis round trip"
                    + " per miss. 0: misses coalesce within each gateway only.")
            .duration(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1));

    public CacheConfig {
        Objects.requireNonNull(lockTimeout, LOCK_TIMEOUT.name());
        if (lockTimeout.isNegative()) {
            throw new IllegalArgumentException(LOCK_TIMEOUT.name() + " must not be negative, but was " + lockTimeout);
        }
        Objects.requireNonNull(staleRetention, STALE_RETENTION.name());
        if (maxBodySize < 0) {
            throw new IllegalArgumentException(MAX_BODY_SIZE.name() + " must not be negative, but was " + maxBodySize);
        }
        if (staleRetention.isNegative()) {
            throw new IllegalArgumentException(
                    STALE_RETENTION.name() + " must not be negative, but was " + staleRetention);
        }
        if (inProcessEntries < 1) {
            throw new IllegalArgumentException(
                    IN_PROCESS_ENTRIES.name() + " must be at least 1, but was " + inProcessEntries);
        }
    }

    public static CacheConfig defaults() {
        return new CacheConfig(
                MAX_BODY_SIZE.defaultValue(),
                STALE_RETENTION.defaultValue(),
                IN_PROCESS_ENTRIES.defaultValue(),
                null,
                LOCK_TIMEOUT.defaultValue());
    }

    /** Reads the keys; problems are recorded in {@code settings} (and the value replaced by its default). */
    public static CacheConfig from(Settings settings) {
        String uri = settings.get(REDIS_URI).trim();
        URI redisUri = null;
        if (!uri.isEmpty()) {
            redisUri = parseRedisUri(uri);
            if (redisUri == null) {
                settings.reject(REDIS_URI.name()
                        + " must be empty or a redis:// or rediss:// URI with a host, but was '" + redacted(uri) + "'");
            }
        }
        return new CacheConfig(
                settings.get(MAX_BODY_SIZE),
                settings.get(STALE_RETENTION),
                settings.get(IN_PROCESS_ENTRIES),
                redisUri,
                settings.get(LOCK_TIMEOUT));
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(MAX_BODY_SIZE, STALE_RETENTION, IN_PROCESS_ENTRIES, REDIS_URI, LOCK_TIMEOUT);
    }

    /** The Redis configuration of the cache: the store's, on the cache's own Redis if one is configured. */
    public RedisStoreConfig redis(RedisStoreConfig store) {
        return redisUri == null
                ? store
                : new RedisStoreConfig(redisUri, store.poolSize(), store.timeout(), store.keyPrefix());
    }

    private static URI parseRedisUri(String text) {
        try {
            URI uri = new URI(text);
            boolean redis = "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme());
            return redis && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String redacted(String uri) {
        int at = uri.indexOf('@');
        int scheme = uri.indexOf("://");
        return at < 0 || scheme < 0 || at < scheme ? uri : uri.substring(0, scheme + 3) + "***" + uri.substring(at);
    }
}
