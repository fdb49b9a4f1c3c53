package dev.offload.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Shared rate-limit buckets: every process that uses the same storage sees the same buckets, so a limit holds
 * exactly across all gateway replicas. Each {@link #admit} is one atomic step (on Redis, one Lua script), so two
 * gateways can never both take the last unit of a bucket.
 *
 * <p>Thread-safe. {@link #admit} <strong>blocks</strong> on I/O for the Redis implementation: call it from virtual
 * threads, never from an event loop. It throws {@link StoreUnavailableException} when the storage cannot be reached.
 */
public interface RateLimitStore extends AutoCloseable {

    /**
     * Takes one unit from {@code bucket} if its quota allows: at most {@code limit} units per {@code window}, refilled
     * evenly (GCRA), so a full quota may be spent at once and then comes back one unit every {@code window / limit}.
     *
     * @param bucket the bucket's name, e.g. {@code per-key:3f2a…}; buckets with different limits must differ in name
     */
    Admission admit(String bucket, long limit, Duration window);

    /**
     * How many admissions this store serves at once without waiting for a connection: its connection pool's size
     * (see {@link JobStore#maxConcurrentCalls()}).
     */
    default int maxConcurrentCalls() {
        return Integer.MAX_VALUE;
    }

    @Override
    void close();

    /**
     * The outcome of one {@link #admit}.
     *
     * @param admitted whether the unit was taken
     * @param remaining units left now
     * @param reset how long until the whole quota is available again
     * @param retryAfter when refused, how long until one unit is available; zero when admitted
     */
    record Admission(boolean admitted, long remaining, Duration reset, Duration retryAfter) {
        public Admission {
            Objects.requireNonNull(reset, "reset");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (remaining < 0) {
                throw new IllegalArgumentException("remaining must not be negative, but was " + remaining);
            }
        }
    }
}
