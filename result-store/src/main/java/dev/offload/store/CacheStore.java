package dev.offload.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Expiring binary values shared by every gateway of a deployment: the HTTP response cache and the finished-result
 * lookup of cacheable job types live here. Values are opaque bytes (binary-safe); keys are relative, the store adds
 * its deployment prefix.
 *
 * <p>Thread-safe. All methods <strong>block</strong> on I/O: call them from virtual threads or worker executors,
 * never from an event loop. They throw {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface CacheStore extends AutoCloseable {

    /** The value, or empty if it is absent or has expired. */
    Optional<byte[]> get(String key);

    /**
     * Stores {@code value} under {@code key}, replacing any earlier value, until {@code ttl} passes.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    void put(String key, byte[] value, Duration ttl);

    /**
     * Stores {@code value} under {@code key} for {@code ttl} only if no value is stored there: a lock that expires by
     * itself.
     *
     * @return whether this call stored it
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    boolean putIfAbsent(String key, byte[] value, Duration ttl);

    /** Removes the value, if any. */
    void delete(String key);

    /** Releases connections. */
    @Override
    void close();

    /** Rejects a TTL that would store a value that never or already expired. */
    static void requirePositive(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a cache entry's ttl must be positive, but was " + ttl);
        }
    }
}
