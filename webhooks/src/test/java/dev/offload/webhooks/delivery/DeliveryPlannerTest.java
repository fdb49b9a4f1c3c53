package dev.offload.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import dev.offload.schema.JsonSchemas;
import dev.offload.schema.SchemaValidator;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.SigningSecret;
import dev.offload.webhooks.WebhookEndpoint;
import dev.offload.webhooks.WebhookSecret;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryPlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final SchemaValidator EVENT_SCHEMA =
            JsonSchemas.forResource(JsonSchemas.JSON_SCHEMA_DIRECTORY + "webhook-event.schema.json", "");

    @Test
    void oneDeliveryPerInterestedEndpointPlusTheCallbackAllWithTheEventsMessageId() {
        OutboxEvent event = succeeded("report.generate", "https://client.example/cb");
        List<WebhookEndpoint> endpoints = List.of(
                endpoint("ep_all", List.of("job.succeeded"), List.of()),
                endpoint("ep_reports", List.of("job.succeeded"), List.of("report.generate")),
                endpoint("ep_other_type", List.of("job.succeeded"), List.of("mail.send")),
                endpoint("ep_failures", List.of("job.failed"), List.of()));

        List<Delivery> planned = DeliveryPlanner.plan(event, endpoints, NOW);

        assertThat(planned)
                .extracting(d -> d.endpointId() == null ? "callback" : d.endpointId())
                .containsExactly("ep_all", "ep_reports", "callback");
        assertThat(planned).extracting(Delivery::messageId).containsOnly(event.messageId());
        assertThat(planned).extracting(Delivery::id).doesNotHaveDuplicates();
    }

    @Test
    void planningTheSameEventTwiceGivesTheSameDeliveryIds() {
        OutboxEvent event = succeeded("report.generate", null);
        List<WebhookEndpoint> endpoints = List.of(endpoint("ep_all", List.of("job.succeeded"), List.of()));

        assertThat(DeliveryPlanner.plan(event, endpoints, NOW))
                .extracting(Delivery::id)
                .isEqualTo(DeliveryPlanner.plan(event, endpoints, NOW.plusSeconds(60)).stream()
                        .map(Delivery::id)
                        .toList());
    }

    @Test
    void theBodyIsTheDocumentedWebhookEventWithTheJobDocument() throws IOException {
        Delivery delivery = DeliveryPlanner.plan(
                        succeeded("report.generate", "https://client.example/cb"), List.of(), NOW)
                .get(0);

        JsonNode body = Json.MAPPER.readTree(delivery.body());
        assertThat(EVENT_SCHEMA.validate(body)).isEmpty();
        assertThat(body.path("type").asText()).isEqualTo("job.succeeded");
        assertThat(body.path("data").path("state").asText()).isEqualTo("succeeded");
        assertThat(body.path("data").has("tenant")).isFalse();
    }

    @Test
    void theTraceparentContinuesTheJobsTrace() {
        String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        String child = DeliveryPlanner.childOf(parent);

        assertThat(child).startsWith("00-0af7651916cd43dd8448eb211c80319c-").isNotEqualTo(parent);
        assertThat(DeliveryPlanner.childOf(null)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertThat(WebhookDispatcher.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookDispatcher.retryAfter("Sun, 29 Nov 2026 10:01:00 GMT", NOW))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(WebhookDispatcher.retryAfter("soon", NOW)).isNull();
        assertThat(WebhookDispatcher.retryAfter(null, NOW)).isNull();
    }

    private static OutboxEvent succeeded(String type, String callbackUrl) {
        JobSpec spec = new JobSpec(
                type,
                "default",
                0,
                JsonNodeFactory.instance.objectNode(),
                Map.of(),
                callbackUrl,
                null,
                3,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                null,
                null);
        Job job = Job.queued(JobId.next(NOW), "tenant-a", spec, NOW, Duration.ofSeconds(5));
        job = job.claim("worker", NOW, Duration.ofMinutes(1));
        job = job.succeed(JsonNodeFactory.instance.objectNode().put("ok", true), NOW);
        return new OutboxEvent(3, "1764410400000-0", "job.succeeded", job.id(), Json.toString(job));
    }

    private static WebhookEndpoint endpoint(String id, List<String> events, List<String> types) {
        return new WebhookEndpoint(
                id,
                "tenant-a",
                "https://client.example/" + id,
                events,
                types,
                null,
                NOW,
                List.of(new SigningSecret(WebhookSecret.generate().reveal(), null)));
    }
}
