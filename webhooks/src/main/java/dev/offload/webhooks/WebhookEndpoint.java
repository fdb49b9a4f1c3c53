package dev.offload.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A registered webhook endpoint of a tenant, as stored. Its health (disabled, failing) is kept apart in
 * {@link EndpointHealth}, so that the dispatcher recording an outcome and a client rotating the secret never overwrite
 * each other's change.
 *
 * @param id the endpoint id ({@code ep_…})
 * @param tenant the owning tenant
 * @param url where deliveries go
 * @param events the event types it receives
 * @param types the job types it receives events of; empty = all
 * @param description the client's note, or {@code null}
 * @param createdAt when it was registered
 * @param secrets the signing secrets, current first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookEndpoint(
        String id,
        String tenant,
        String url,
        List<String> events,
        List<String> types,
        String description,
        Instant createdAt,
        List<SigningSecret> secrets) {

    public WebhookEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(url, "url");
        events = List.copyOf(events);
        types = types == null ? List.of() : List.copyOf(types);
        secrets = List.copyOf(secrets);
    }

    /** Whether this endpoint wants an event of {@code type} about a job of {@code jobType}. */
    public boolean wants(String type, String jobType) {
        return events.contains(type) && (types.isEmpty() || types.contains(jobType));
    }

    public WebhookEndpoint withSecrets(List<SigningSecret> next) {
        return new WebhookEndpoint(id, tenant, url, events, types, description, createdAt, next);
    }
}
