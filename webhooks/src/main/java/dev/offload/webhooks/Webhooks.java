package dev.offload.webhooks;

import dev.offload.store.RedisStoreConfig;
import dev.offload.webhooks.memory.InMemoryWebhookStore;
import dev.offload.webhooks.redis.RedisWebhookStore;
import java.time.Clock;

/** Opens {@link WebhookStore}s. Thread-safe. */
public final class Webhooks {
    private Webhooks() {}

    /**
     * The webhook store on the result store's Redis (same URI, pool settings and key prefix). Connects lazily.
     */
    /**
     * An in-memory webhook store for the embedded job store: pass it as that store's {@code WebhookOutboxSink}
     * ({@code JobStores.embedded(config, store)}). Nothing survives a restart.
     */
    public static InMemoryWebhookStore inMemory(WebhookConfig config, Clock clock) {
        return new InMemoryWebhookStore(config, clock);
    }

    public static WebhookStore redis(RedisStoreConfig store, WebhookConfig config, Clock clock) {
        return new RedisWebhookStore(store, config, clock);
    }
}
