package dev.offload.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One event on its way to one receiver, with its attempts so far. The body is fixed when the delivery is created, and
 * so is {@link #messageId()}: every attempt sends the same {@code webhook-id} and body, so receivers can deduplicate.
 *
 * @param id the delivery id ({@code dlv_…}), URL-safe
 * @param messageId the Standard Webhooks {@code webhook-id} ({@code msg_…}), the same for one event at every receiver
 * @param tenant the owning tenant
 * @param endpointId the endpoint, or {@code null} for a job's {@code callbackUrl}
 * @param url where it goes
 * @param jobId the job the event is about, or {@code null} for a test event
 * @param type the event type
 * @param body the exact JSON body sent
 * @param traceparent the W3C trace context sent with every attempt
 * @param createdAt when the event was raised
 * @param status {@code pending}, {@code delivered} or {@code failed}
 * @param attempts the attempts so far, oldest first
 * @param nextAttemptAt when the next attempt is due while pending, else {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(
        String id,
        String messageId,
        String tenant,
        String endpointId,
        String url,
        String jobId,
        String type,
        String body,
        String traceparent,
        Instant createdAt,
        String status,
        List<DeliveryAttempt> attempts,
        Instant nextAttemptAt) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public Delivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** A new pending delivery, due at {@code dueAt}. */
    public static Delivery pending(
            String id,
            String messageId,
            String tenant,
            String endpointId,
            String url,
            String jobId,
            String type,
            String body,
            String traceparent,
            Instant createdAt,
            Instant dueAt) {
        return new Delivery(
                id,
                messageId,
                tenant,
                endpointId,
                url,
                jobId,
                type,
                body,
                traceparent,
                createdAt,
                PENDING,
                List.of(),
                dueAt);
    }

    /** This delivery after one more attempt; {@code nextAt} {@code null} ends it with {@code status}. */
    public Delivery after(DeliveryAttempt attempt, String nextStatus, Instant nextAt) {
        List<DeliveryAttempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        return withProgress(nextStatus, all, nextAt);
    }

    /** The same delivery, pending again at {@code dueAt} (a manual retry). */
    public Delivery retryAt(Instant dueAt) {
        return withProgress(PENDING, attempts, dueAt);
    }

    /** The same event to the same receiver with another status, attempts and due time: only those ever change. */
    private Delivery withProgress(String nextStatus, List<DeliveryAttempt> nextAttempts, Instant nextAt) {
        return new Delivery(
                id,
                messageId,
                tenant,
                endpointId,
                url,
                jobId,
                type,
                body,
                traceparent,
                createdAt,
                nextStatus,
                nextAttempts,
                nextAt);
    }

    @JsonIgnore
    public boolean pending() {
        return PENDING.equals(status);
    }
}
