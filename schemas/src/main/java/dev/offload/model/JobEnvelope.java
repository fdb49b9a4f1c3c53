package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The message a transport carries for one queued attempt of a job (schema {@code queue-envelope.schema.json}). It is
 * deliberately small: the payload stays in the store, which is the single source of truth; a worker claims the job
 * there before it runs it, so a duplicate or stale message is harmless.
 *
 * @param jobId the job to run
 * @param tenant the owning tenant
 * @param type the job type (lets a worker route without reading the store)
 * @param queue the logical queue
 * @param attempt the number of attempts already started when this message was published
 * @param priority 0 to 9
 * @param enqueuedAt when the message was published
 * @param traceparent the W3C trace context to continue, or {@code null}
 * @param metadata the job's metadata labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEnvelope(
        String jobId,
        String tenant,
        String type,
        String queue,
        int attempt,
        int priority,
        Instant enqueuedAt,
        String traceparent,
        Map<String, String> metadata) {

    public JobEnvelope {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The envelope for the job's current queued attempt. */
    public static JobEnvelope of(Job job, Instant now) {
        JobSpec spec = job.spec();
        return new JobEnvelope(
                job.id(),
                job.tenant(),
                spec.type(),
                spec.queue(),
                job.attempts(),
                spec.priority(),
                now,
                spec.traceparent(),
                spec.metadata());
    }
}
