package dev.offload.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where webhook endpoints, the outbox of job events and the deliveries live. Create with {@link Webhooks#redis}.
 *
 * <p>Thread-safe. All methods <strong>block</strong> on I/O: call them from virtual threads or worker executors,
 * never from an event loop. They throw {@link dev.offload.store.StoreUnavailableException} when the store cannot be
 * reached.
 */
public interface WebhookStore extends AutoCloseable {

    /** Registers an endpoint; from now on the tenant's job events are written to the outbox. */
    void createEndpoint(WebhookEndpoint endpoint);

    /** The endpoint with this id, whoever owns it. */
    Optional<WebhookEndpoint> endpoint(String id);

    /** The endpoint if {@code tenant} owns it: another tenant's endpoint is as absent as a missing one. */
    default Optional<WebhookEndpoint> endpoint(String tenant, String id) {
        return endpoint(id).filter(e -> e.tenant().equals(tenant));
    }

    /** The tenant's endpoints, oldest first. */
    List<WebhookEndpoint> endpoints(String tenant);

    /** Deletes the tenant's endpoint; {@code false} if it has none with this id. */
    boolean deleteEndpoint(String tenant, String id);

    /** Replaces the endpoint's secrets (a rotation). */
    void saveSecrets(WebhookEndpoint endpoint);

    EndpointHealth health(String endpointId);

    void saveHealth(String endpointId, EndpointHealth health);

    /** The secrets that sign the tenant's per-job callbacks, current first; empty if none was made yet. */
    List<SigningSecret> callbackSecrets(String tenant);

    void saveCallbackSecrets(String tenant, List<SigningSecret> secrets);

    // ---- the outbox ----------------------------------------------------------------------------------------------

    /** New outbox events for this consumer (a dispatcher), at most {@code limit}; they stay pending until recorded. */
    List<OutboxEvent> readOutbox(String consumer, int limit);

    /** Events read by another consumer that left them unrecorded for {@code minIdle}: it died. Now ours. */
    List<OutboxEvent> reclaimOutbox(String consumer, Duration minIdle, int limit);

    /**
     * Creates the event's deliveries (each only if it does not exist yet, so recording an event twice is harmless),
     * then removes the event from the outbox.
     */
    void recordOutbox(OutboxEvent event, List<Delivery> deliveries);

    /** Lets the job's next progress report raise a progress event again (see the store's transition script). */
    void clearProgressFlag(String jobId);

    /** The job record as stored now (JSON of {@code dev.offload.model.Job}), or empty if it expired. */
    Optional<String> currentJobRecord(String jobId);

    // ---- deliveries ----------------------------------------------------------------------------------------------

    /** Stores a new delivery, due at its {@link Delivery#nextAttemptAt()}. */
    void createDelivery(Delivery delivery);

    /**
     * Up to {@code limit} ids of deliveries due at {@code now}; each is pushed to {@code now + hold}, so that other
     * dispatchers leave it alone while this one works on it, and take it over if this one dies.
     */
    List<String> claimDue(Instant now, int limit, Duration hold);

    Optional<Delivery> delivery(String id);

    /** Writes the delivery and schedules it: due at {@link Delivery#nextAttemptAt()}, or no longer due if null. */
    void saveDelivery(Delivery delivery);

    /** The endpoint's deliveries, newest first. */
    List<Delivery> deliveriesOfEndpoint(String endpointId, int limit);

    /** The job's deliveries (to endpoints and its callback), newest first. */
    List<Delivery> deliveriesOfJob(String jobId, int limit);

    /** How many deliveries wait for an attempt. */
    long pendingCount();

    @Override
    void close();
}
