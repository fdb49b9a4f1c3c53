package dev.offload.standalone;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring of {@link OffloadNode} on Redis: the gateway serves the webhook API and the worker role runs a dispatcher,
 * whose metrics appear on the management port.
 */
class OffloadNodeWebhookIT {
    private static final String KEY = "node-webhook-test-key-0001";

    @Test
    void aNodeOnRedisDeliversWebhooksFromItsWorkerRoleAndExportsTheirMetrics(@TempDir Path data) throws Exception {
        WebhookNodeScenario.deliversSignedWebhooksAndExportsMetrics("redis", KEY, data);
    }
}
