package dev.offload.store.redis;

import dev.offload.store.RedisStoreConfig;
import redis.clients.jedis.UnifiedJedis;

/**
 * The part of the store's Redis layout that the webhook dispatcher shares with the store: the per-shard outbox
 * streams the transition script appends webhook events to, the per-shard tenant markers that script checks, and the
 * job hash whose {@code hp} field coalesces progress events. Entries carry {@code type} (the event), {@code job} (the
 * job id) and {@code doc} (the job record as written). Stateless and thread-safe.
 */
public final class WebhookOutbox {
    private final RedisKeys keys;

    public WebhookOutbox(String keyPrefix) {
        this.keys = new RedisKeys(keyPrefix);
    }

    /** The outbox stream of one shard ({@code 0 .. JobId.SHARDS-1}). */
    public String stream(int shard) {
        return keys.outbox(shard);
    }

    /** The marker whose presence makes the script write events of the tenant's jobs in {@code shard}. */
    public String tenantMarker(int shard, String tenant) {
        return keys.tenantHooks(shard, tenant);
    }

    /** The job's hash; its field {@code hp} is set while a progress event of the job waits in the outbox. */
    public String job(String id) {
        return keys.job(id);
    }

    /** A pooled client like the store's own (same URI, pool size and timeouts), for the webhook dispatcher. */
    public static UnifiedJedis client(RedisStoreConfig config) {
        return RedisStoreFactory.client(config);
    }
}
