package dev.offload.gateway;

import dev.offload.store.CacheStore;
import dev.offload.store.JobStore;
import dev.offload.store.JobWrites;
import dev.offload.store.RateLimitStore;
import dev.offload.transport.JobPublisher;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookStore;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a gateway talks to besides HTTP clients: the job store, the broker publisher, the response cache, the
 * rate-limit buckets and the broker backlog probe used for load shedding. The gateway closes the cache and the
 * rate-limit store when it stops; the store and publisher belong to the caller.
 *
 * @param store where jobs live
 * @param publisher the broker side of accepting a job
 * @param cache cached responses and finished results of cacheable job types (Redis, shared by all replicas;
 *     in-process in standalone mode)
 * @param rateLimits the rate-limit buckets, shared by every gateway that must enforce one limit
 * @param backlog the broker backlog (messages waiting), e.g. {@code transport::backlog}
 * @param webhookStore where webhook endpoints and deliveries live, or {@code null} for a gateway without the webhook
 *     API
 * @param webhookConfig the webhook settings (URL guard, secrets); {@code null} exactly when {@code webhookStore} is
 * @param writes the submission writes of {@code store} without blocking (Redis), or {@code null} to run them on
 *     threads of the gateway's own (the embedded store)
 */
public record GatewayBackends(
        JobStore store,
        JobPublisher publisher,
        CacheStore cache,
        RateLimitStore rateLimits,
        Supplier<Future<Long>> backlog,
        WebhookStore webhookStore,
        WebhookConfig webhookConfig,
        JobWrites writes) {

    /** Backends without the webhook API. */
    public GatewayBackends(
            JobStore store,
            JobPublisher publisher,
            CacheStore cache,
            RateLimitStore rateLimits,
            Supplier<Future<Long>> backlog) {
        this(store, publisher, cache, rateLimits, backlog, null, null, null);
    }

    /** These backends with the webhook API over {@code webhookStore}. */
    public GatewayBackends withWebhooks(WebhookStore webhookStore, WebhookConfig webhookConfig) {
        return new GatewayBackends(
                store,
                publisher,
                cache,
                rateLimits,
                backlog,
                Objects.requireNonNull(webhookStore, "webhookStore"),
                Objects.requireNonNull(webhookConfig, "webhookConfig"),
                writes);
    }

    /** These backends with the submission writes sent without blocking, over {@code writes}. */
    public GatewayBackends withWrites(JobWrites writes) {
        return new GatewayBackends(
                store,
                publisher,
                cache,
                rateLimits,
                backlog,
                webhookStore,
                webhookConfig,
                Objects.requireNonNull(writes, "writes"));
    }

    public GatewayBackends {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(backlog, "backlog");
        if ((webhookStore == null) != (webhookConfig == null)) {
            throw new IllegalArgumentException("a webhook store needs its webhook configuration, and only it does");
        }
    }
}
