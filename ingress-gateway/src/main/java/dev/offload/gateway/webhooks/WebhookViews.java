package dev.offload.gateway.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.DeliveryAttempt;
import dev.offload.webhooks.EndpointHealth;
import dev.offload.webhooks.WebhookEndpoint;
import java.time.Instant;
import java.util.List;

/** What clients see of endpoints and deliveries: never a stored secret, never a delivery's tenant. Stateless. */
final class WebhookViews {
    private WebhookViews() {}

    /** Schema {@code webhook-endpoint.schema.json}; {@code secret} only in the response that created it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EndpointView(
            String id,
            String url,
            List<String> events,
            List<String> types,
            String description,
            Instant createdAt,
            boolean disabled,
            Instant disabledAt,
            String disabledReason,
            Instant failingSince,
            String secret) {}

    /** Schema {@code webhook-delivery.schema.json}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeliveryView(
            String id,
            String messageId,
            String endpointId,
            String url,
            String jobId,
            String type,
            Instant createdAt,
            String status,
            Instant nextAttemptAt,
            List<DeliveryAttempt> attempts) {}

    record Items<T>(List<T> items) {}

    record SecretView(String secret, Instant previousSecretExpiresAt) {}

    static EndpointView endpoint(WebhookEndpoint e, EndpointHealth health, String secret) {
        return new EndpointView(
                e.id(),
                e.url(),
                e.events(),
                e.types(),
                e.description(),
                e.createdAt(),
                health.disabled(),
                health.disabledAt(),
                health.disabledReason(),
                health.failingSince(),
                secret);
    }

    static DeliveryView delivery(Delivery d) {
        return new DeliveryView(
                d.id(),
                d.messageId(),
                d.endpointId(),
                d.url(),
                d.jobId(),
                d.type(),
                d.createdAt(),
                d.status(),
                d.nextAttemptAt(),
                d.attempts());
    }
}
