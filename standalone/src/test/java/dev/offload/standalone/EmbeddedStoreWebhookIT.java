package dev.offload.standalone;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode (the embedded job store): webhooks work there too, from an in-memory outbox and registry fed under
 * the embedded store's write lock.
 */
class EmbeddedStoreWebhookIT {
    private static final String KEY = "embedded-webhook-test-key-01";

    @Test
    void aStandaloneNodeDeliversSignedWebhooksAndCallbacks(@TempDir Path data) throws Exception {
        WebhookNodeScenario.deliversSignedWebhooksAndExportsMetrics("embedded", KEY, data);
    }
}
