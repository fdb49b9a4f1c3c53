package dev.offload.transport;

import dev.offload.model.JobEnvelope;
import io.vertx.core.Future;

/**
 * Publishes job messages to the broker, one topic or queue per logical queue.
 *
 * <p>Thread-safe and non-blocking: may be called from any thread, including event loops. Returned futures complete
 * on the Vert.x context of the caller if there is one.
 */
public interface JobPublisher {

    /**
     * Publishes one message and completes once the broker has acknowledged it durably (Kafka: acks=all from the
     * in-sync replicas, idempotent producer). The message key is the job id; the trace context and job metadata travel
     * as headers.
     *
     * @return a future that fails with {@link TransportUnavailableException} if the broker did not acknowledge within
     *     the configured timeout, or with {@link UnknownQueueException} for a queue this transport does not serve
     */
    Future<Void> publish(JobEnvelope envelope);

    /** Succeeds if the broker answers (used by readiness checks), fails with {@link TransportUnavailableException}. */
    Future<Void> checkHealth();

    /** Flushes and releases the producer. */
    Future<Void> close();
}
