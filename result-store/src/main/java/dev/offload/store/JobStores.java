package dev.offload.store;

import dev.offload.store.embedded.EmbeddedStoreFactory;
import dev.offload.store.embedded.LocalRateLimitStore;
import dev.offload.store.redis.RedisStoreFactory;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Opens {@link JobStore}s. Thread-safe. */
public final class JobStores {
    private JobStores() {}

    /**
     * A store on Redis (standalone Redis or Sentinel-managed primary; every key of a job shares one hash tag, so the
     * layout is Redis Cluster safe). Connects lazily: an unreachable Redis shows up as
     * {@link StoreUnavailableException} on the first call, not here.
     */
    public static JobStore redis(RedisStoreConfig config) {
        return RedisStoreFactory.open(config);
    }

    /**
     * The submission writes on the Redis of {@code config} without blocking, for callers on {@code vertx}'s event
     * loops (the gateway). Connects lazily.
     */
    public static JobWrites redisWrites(Vertx vertx, RedisStoreConfig config) {
        return RedisStoreFactory.openWrites(vertx, config);
    }

    /**
     * Rate-limit buckets on the Redis of {@code config} (its URI, timeout, pool size and key prefix), shared by every
     * gateway using that Redis. Connects lazily.
     */
    public static RateLimitStore redisRateLimits(RedisStoreConfig config) {
        return RedisStoreFactory.openRateLimits(config);
    }

    /** Rate-limit buckets in this process's memory: exact for a single process (standalone mode). */
    public static RateLimitStore localRateLimits(Clock clock) {
        return new LocalRateLimitStore(clock);
    }

    /**
     * A single-process store in {@code <dataDir>/jobs.mv.db}, for standalone mode. Only one process (and one store
     * instance) may open a directory at a time.
     *
     * @throws IllegalStateException if the file cannot be opened, e.g. because another process uses it
     */
    public static JobStore embedded(EmbeddedStoreConfig config) {
        return EmbeddedStoreFactory.open(config);
    }

    /**
     * The embedded store, handing the webhook events of its transitions to {@code webhooks} (an in-memory outbox:
     * events not yet delivered are lost if the process dies, unlike with Redis).
     */
    public static JobStore embedded(EmbeddedStoreConfig config, WebhookOutboxSink webhooks) {
        return EmbeddedStoreFactory.open(config, webhooks);
    }
}
