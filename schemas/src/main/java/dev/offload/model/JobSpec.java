package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a client asked for when it submitted a job; it never changes afterwards.
 *
 * @param type the handler that runs the job, e.g. {@code demo.sleep}
 * @param queue the logical queue (a Kafka topic or RabbitMQ queue per queue)
 * @param priority 0 (default) to 9; higher runs first where the transport honours priorities
 * @param payload the handler's input, any JSON value
 * @param metadata client-chosen string labels, echoed in the job document and broker headers
 * @param callbackUrl where to deliver this job's events, or {@code null}
 * @param traceparent the W3C trace context of the submitting request, or {@code null}
 * @param maxAttempts how many attempts before the job fails for good (at least 1)
 * @param timeout how long one attempt may run before it is interrupted and counted as failed
 * @param retention how long the job record and its result are kept after the job finished
 * @param idempotencyKey the client's idempotency key, or {@code null}
 * @param fingerprint a digest of the submitted request, compared when the idempotency key is reused, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
        String type,
        String queue,
        int priority,
        JsonNode payload,
        Map<String, String> metadata,
        String callbackUrl,
        String traceparent,
        int maxAttempts,
        Duration timeout,
        Duration retention,
        String idempotencyKey,
        String fingerprint) {

    public JobSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retention, "retention");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
        }
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority must be between 0 and 9, but was " + priority);
        }
    }
}
