package dev.offload.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of a job record, emitted by the store on every successful change of an existing job, not on its creation
 * (schema {@code job-event.schema.json}).
 * Gateways use it to wake long-polls on every replica; workers use it to notice cancellation requests at once.
 *
 * @param jobId the job that changed
 * @param tenant its tenant
 * @param state the state after the change
 * @param attempts attempts started after the change
 * @param version the record version after the change
 * @param cancelRequested whether a cancellation of the running attempt is pending
 * @param at when the change was written
 */
public record JobEvent(
        String jobId, String tenant, JobState state, int attempts, long version, boolean cancelRequested, Instant at) {

    public JobEvent {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }

    public static JobEvent of(Job job) {
        return new JobEvent(
                job.id(),
                job.tenant(),
                job.state(),
                job.attempts(),
                job.version(),
                job.cancelRequested(),
                job.updatedAt());
    }
}
