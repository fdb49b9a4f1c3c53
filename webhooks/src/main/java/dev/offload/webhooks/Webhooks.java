package dev.offload.webhooks;

import dev.offload.store.RedisStoreConfig;
import dev.offload.webhooks.redis.RedisWebhookStore;
import java.time.Clock;

/** Opens {@link WebhookStore}s. Thread-safe. */
public final class Webhooks {
    private Webhooks() {}

    /**
     * The webhook store on the result store's Redis (same URI, pool settings and key prefix). Connects lazily.
     */
    public static WebhookStore redis(RedisStoreConfig store, WebhookConfig config, Clock clock) {
        return new RedisWebhookStore(store, config, clock);
    }
}
