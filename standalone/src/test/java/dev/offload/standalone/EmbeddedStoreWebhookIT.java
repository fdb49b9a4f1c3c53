package dev.offload.standalone;

import org.junit.jupiter.api.Test;

/**
 * Standalone mode (the embedded job store): webhooks work there too, from an in-memory outbox and registry fed under
 * the embedded store's write lock.
 */
class EmbeddedStoreWebhookIT {
    private static final String KEY = "embedded-webhook-test-key-01";

    @Test
    void aStandaloneNodeDeliversSignedWebhooksAndCallbacks() throws Exception {
        WebhookNodeScenario.deliversSignedWebhooksAndExportsMetrics("embedded", KEY);
    }
}
