package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.standalone.WebhookReceiver.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An endpoint that keeps failing without a single success for {@code webhooks.disableAfter} is disabled. */
class WebhookDisableIT {

    @Test
    void anEndpointFailingForTheConfiguredPeriodIsDisabledAndTheReasonRecorded() throws Exception {
        try (TestCluster cluster = new TestCluster(values -> {
                    values.put("webhooks.disableAfter", "1s");
                    values.put("webhooks.retrySchedule", "0s,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms");
                    return values;
                });
                WebhookReceiver receiver = new WebhookReceiver(n -> Reply.status(500))) {
            ApiClient api = cluster.startGateway();
            cluster.startDispatcher();
            String id = api.send(
                            "POST",
                            "/v1/webhooks",
                            "{\"url\":\"" + receiver.url("/broken") + "\",\"events\":[\"job.succeeded\"]}",
                            "application/json")
                    .id();

            api.send("POST", "/v1/webhooks/" + id + "/test", null, null);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode endpoint = api.get("/v1/webhooks/" + id).json();
                assertThat(endpoint.path("disabled").asBoolean()).isTrue();
                assertThat(endpoint.path("disabledReason").asText()).contains("no successful delivery since");
                assertThat(endpoint.has("failingSince")).isTrue();
            });
            JsonNode delivery = api.get("/v1/webhooks/" + id + "/deliveries")
                    .json()
                    .path("items")
                    .path(0);
            assertThat(delivery.path("status").asText()).isEqualTo("failed");
            assertThat(delivery.path("attempts").path(0).path("statusCode").asInt())
                    .isEqualTo(500);
        }
    }
}
