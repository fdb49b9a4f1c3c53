package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.config.Settings;
import dev.offload.standalone.WebhookReceiver.Received;
import dev.offload.testing.KafkaFixture;
import dev.offload.testing.RedisFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The webhook round trip through a whole {@link OffloadNode} (gateway and worker roles), shared by the ITs that run it on
 * each job store: only the store differs, so the scenario is written once.
 */
final class WebhookNodeScenario {
    private WebhookNodeScenario() {}

    /**
     * Starts a node on {@code storeType}, registers an endpoint on a local receiver, submits a job and checks that a
     * signed {@code job.succeeded} event for it arrives and that the delivery metrics appear on the management port.
     */
    static void deliversSignedWebhooksAndExportsMetrics(String storeType, String apiKey, Path dataDir)
            throws Exception {
        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> values = new HashMap<>();
        values.put("store.type", storeType);
        values.put("store.redis.uri", RedisFixture.uri());
        values.put("store.redis.keyPrefix", run);
        values.put("transport.kafka.bootstrapServers", KafkaFixture.bootstrapServers());
        values.put("transport.kafka.topicPrefix", run + ".jobs.");
        values.put("transport.kafka.groupId", run);
        values.put("gateway.host", "127.0.0.1");
        values.put("gateway.port", "0");
        values.put("management.host", "127.0.0.1");
        values.put("management.port", "0");
        values.put("gateway.apiKeys", apiKey + "=node-tenant");
        values.put("worker.shutdownGrace", "5s");
        values.put("webhooks.allowHttp", "true");
        values.put("webhooks.allowedNetworks", "127.0.0.1/32");
        try (WebhookReceiver receiver = new WebhookReceiver();
                OffloadNode node = OffloadNode.start(Settings.of(values), new OffloadNode.Roles(true, true), dataDir)) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + node.apiPort(), apiKey);
            ApiClient.Response created = api.send(
                    "POST",
                    "/v1/webhooks",
                    "{\"url\":\"" + receiver.url("/node") + "\",\"events\":[\"job.succeeded\"]}",
                    "application/json");
            assertThat(created.status()).isEqualTo(201);

            String id = api.submit("{\"type\":\"demo.echo\",\"payload\":1}").id();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !receiver.received().isEmpty());
            Received delivery = receiver.received().get(0);
            assertThat(delivery.json().path("data").path("id").asText()).isEqualTo(id);
            new com.standardwebhooks.Webhook(created.json().path("secret").asText())
                    .verify(delivery.body(), delivery.headersForVerification());
            ApiClient management = new ApiClient("http://127.0.0.1:" + node.managementPort(), null);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    new String(management.get("/metrics").bytes()))
                            .contains(
                                    "offload_webhook_deliveries_total{outcome=\"delivered\"}",
                                    "offload_webhook_delivery_latency_seconds_bucket",
                                    "offload_webhook_deliveries_pending"));
        } finally {
            RedisFixture.deleteKeys(run);
        }
    }
}
