package dev.offload.standalone;

import org.junit.jupiter.api.Test;

/**
 * The wiring of {@link OffloadNode} on Redis: the gateway serves the webhook API and the worker role runs a dispatcher,
 * whose metrics appear on the management port.
 */
class OffloadNodeWebhookIT {
    private static final String KEY = "node-webhook-test-key-0001";

    @Test
    void aNodeOnRedisDeliversWebhooksFromItsWorkerRoleAndExportsTheirMetrics() throws Exception {
        WebhookNodeScenario.deliversSignedWebhooksAndExportsMetrics("redis", KEY);
    }
}
