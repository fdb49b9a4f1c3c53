package dev.offload.store;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the Redis result store. Immutable; every instance is valid (the constructor rejects bad values
 * with a message naming the configuration key).
 *
 * @param uri {@code redis://[user:password@]host:port[/db]} or {@code rediss://…} for TLS
 * @param poolSize the most connections the store opens (calls beyond it wait for a free connection, so this bounds
 *     concurrency)
 * @param timeout connect and socket timeout of every Redis call, and the longest wait for a pooled connection
 * @param keyPrefix the first segment of every key and of the event channel, so several deployments can share Redis
 */
public record RedisStoreConfig(URI uri, int poolSize, Duration timeout, String keyPrefix) {
    private static final String GROUP = "Result store";

    public static final ConfigKey<String> URI_KEY = ConfigKey.in(GROUP, "store.redis.uri")
            .essential()
            .doc("Redis of the result store: redis://[user:password@]host:port[/db], or rediss:// for TLS.")
            .string("redis://127.0.0.1:6379");
    public static final ConfigKey<Integer> POOL_SIZE = ConfigKey.in(GROUP, "store.redis.poolSize")
            .doc("Most Redis connections of each of a process's store clients: the blocking one, and the gateway's"
                    + " non-blocking one for submissions. Store calls beyond it wait for a free connection up to"
                    + " store.redis.timeout.")
            .integer(64, 1, 10_000);
    public static final ConfigKey<Duration> TIMEOUT = ConfigKey.in(GROUP, "store.redis.timeout")
            .doc("Connect and socket timeout of Redis calls, and the longest wait for a pooled connection; a call"
                    + " that exceeds it fails as 'store unavailable' (503).")
            .duration(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(1));
    public static final ConfigKey<String> KEY_PREFIX = ConfigKey.in(GROUP, "store.redis.keyPrefix")
            .rare()
            .doc("First segment of every Redis key and of the event channel; lets several deployments share one"
                    + " Redis.")
            .string("offload");

    public RedisStoreConfig {
        Objects.requireNonNull(uri, URI_KEY.name());
        Objects.requireNonNull(timeout, TIMEOUT.name());
        Objects.requireNonNull(keyPrefix, KEY_PREFIX.name());
        requireValid(uriProblem(uri));
        requireValid(prefixProblem(keyPrefix));
        if (poolSize < 1) {
            throw new IllegalArgumentException(POOL_SIZE.name() + " must be at least 1, but was " + poolSize);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(TIMEOUT.name() + " must be positive, but was " + timeout);
        }
    }

    /** The defaults: a local Redis on port 6379. */
    public static RedisStoreConfig defaults() {
        return new RedisStoreConfig(
                URI.create(URI_KEY.defaultValue()),
                POOL_SIZE.defaultValue(),
                TIMEOUT.defaultValue(),
                KEY_PREFIX.defaultValue());
    }

    /**
     * Reads the keys; invalid values are recorded in {@code settings} (reported by {@link Settings#validate}) and
     * replaced by their defaults here, so that reading can go on.
     */
    public static RedisStoreConfig from(Settings settings) {
        String uriText = settings.get(URI_KEY);
        URI uri = parse(uriText);
        String problem = uri == null
                ? URI_KEY.name() + " must be a redis:// or rediss:// URI, but was '" + uriText + "'"
                : uriProblem(uri);
        if (problem != null) {
            settings.reject(problem);
            uri = URI.create(URI_KEY.defaultValue());
        }
        String prefix = settings.get(KEY_PREFIX);
        String prefixProblem = prefixProblem(prefix);
        if (prefixProblem != null) {
            settings.reject(prefixProblem);
            prefix = KEY_PREFIX.defaultValue();
        }
        return new RedisStoreConfig(uri, settings.get(POOL_SIZE), settings.get(TIMEOUT), prefix);
    }

    /** Every key this record reads, for validation and the reference page. */
    public static List<ConfigKey<?>> keys() {
        return List.of(URI_KEY, POOL_SIZE, TIMEOUT, KEY_PREFIX);
    }

    /** The URI without its password, for logs and error messages. */
    public String redactedUri() {
        String userInfo = uri.getUserInfo();
        return userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "***@");
    }

    @Override
    public String toString() {
        return "RedisStoreConfig[uri=" + redactedUri() + ", poolSize=" + poolSize + ", timeout=" + timeout
                + ", keyPrefix=" + keyPrefix + "]";
    }

    private static URI parse(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String uriProblem(URI uri) {
        String scheme = uri.getScheme();
        boolean redis = "redis".equals(scheme) || "rediss".equals(scheme);
        if (!redis || uri.getHost() == null) {
            return URI_KEY.name() + " must be a redis:// or rediss:// URI with a host, but was '"
                    + (uri.getUserInfo() == null ? uri : uri.getScheme() + "://***@" + uri.getHost()) + "'";
        }
        return null;
    }

    private static String prefixProblem(String prefix) {
        // Braces would change the hash tag that keeps one job's keys in one Redis Cluster slot.
        if (prefix.isEmpty() || !prefix.matches("[A-Za-z0-9._:-]+")) {
            return KEY_PREFIX.name() + " must be non-empty and use only letters, digits and . _ : -, but was '" + prefix
                    + "'";
        }
        return null;
    }

    private static void requireValid(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
