package dev.offload.gateway.cache;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
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
 */
public record CacheConfig(long maxBodySize, Duration staleRetention, int inProcessEntries) {
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

    public CacheConfig {
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
                MAX_BODY_SIZE.defaultValue(), STALE_RETENTION.defaultValue(), IN_PROCESS_ENTRIES.defaultValue());
    }

    public static CacheConfig from(Settings settings) {
        return new CacheConfig(
                settings.get(MAX_BODY_SIZE), settings.get(STALE_RETENTION), settings.get(IN_PROCESS_ENTRIES));
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(MAX_BODY_SIZE, STALE_RETENTION, IN_PROCESS_ENTRIES);
    }
}
