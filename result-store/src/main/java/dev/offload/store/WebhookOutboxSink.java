package dev.offload.store;

import dev.offload.model.Job;

/**
 * Where a store without an outbox of its own (the embedded one) hands webhook events, under the same lock as the
 * transition that raised them. The Redis store writes its events to Redis Streams instead (see its transition
 * script). Implementations must be thread-safe, fast, and must not call back into the store.
 */
public interface WebhookOutboxSink {
    /** A sink that takes nothing: no webhooks. */
    WebhookOutboxSink NONE = new WebhookOutboxSink() {
        @Override
        public boolean wants(String tenant) {
            return false;
        }

        @Override
        public void append(String type, Job job) {}
    };

    /** Whether the tenant has webhook endpoints (jobs with a {@code callbackUrl} always raise events). */
    boolean wants(String tenant);

    /** Takes the event {@code type} (see {@link WebhookEventType}) of {@code job} as it was just written. */
    void append(String type, Job job);
}
