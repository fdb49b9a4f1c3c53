package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job as the store keeps it: the submitted {@link JobSpec} plus its lifecycle. Immutable; every transition returns
 * a new instance and a store writes it with one compare-and-set on {@link #version()} (the store, not the transition,
 * increments the version).
 *
 * <p>The transition methods are the job state machine of design §4; each throws
 * {@link IllegalJobStateChangeException} when the current state does not allow it.
 *
 * @param id the job id ({@link JobId})
 * @param tenant the owning tenant
 * @param spec what was submitted
 * @param state the lifecycle state
 * @param attempts how many attempts have started
 * @param createdAt when the job was accepted
 * @param updatedAt when the record last changed
 * @param startedAt when the current (or last) attempt started, or {@code null}
 * @param finishedAt when the job reached a terminal state, or {@code null}
 * @param dueAt when the scheduler must act on the job if nothing else happens first: for {@code scheduled} and
 *     {@code retrying} when it becomes due, for a {@code queued} job not yet confirmed by the broker when the
 *     sweeper publishes it; otherwise {@code null}
 * @param progress the handler's last reported progress, or {@code null}
 * @param result the handler's result, or {@code null}
 * @param error the last failure, or {@code null}
 * @param lease the running attempt's lease, or {@code null}
 * @param cancelRequested whether a client asked to cancel the running attempt
 * @param published whether the record says that the broker confirmed the message for the current queued attempt.
 *     {@code false} does not prove that it did not: a store may record a confirmation by dropping the job's timer
 *     alone ({@code JobStore.confirmPublished}), and then the flag turns true when a worker claims the job
 * @param version the optimistic-lock version, starting at 1 when created
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
        String id,
        String tenant,
        JobSpec spec,
        JobState state,
        int attempts,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant dueAt,
        Progress progress,
        JsonNode result,
        JobError error,
        Lease lease,
        boolean cancelRequested,
        boolean published,
        long version) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * A new job, queued and not yet published.
     *
     * @param publishGrace how long the gateway has to confirm publication before the sweeper publishes it instead
     */
    public static Job queued(String id, String tenant, JobSpec spec, Instant now, Duration publishGrace) {
        return new Job(
                id,
                tenant,
                spec,
                JobState.QUEUED,
                0,
                now,
                now,
                null,
                null,
                now.plus(publishGrace),
                null,
                null,
                null,
                null,
                false,
                false,
                1);
    }

    /** A new job that waits until {@code runAt} before it is queued. */
    public static Job scheduled(String id, String tenant, JobSpec spec, Instant now, Instant runAt) {
        return new Job(
                id,
                tenant,
                spec,
                JobState.SCHEDULED,
                0,
                now,
                now,
                null,
                null,
                runAt,
                null,
                null,
                null,
                null,
                false,
                false,
                1);
    }

    /**
     * When the scheduler must look at this job if nothing else changes it first, or {@code null} if nothing is
     * pending: the lease expiry of a running job, {@link #dueAt()} of a waiting or unpublished job.
     */
    @JsonIgnore
    public Instant deadline() {
        return switch (state) {
            case RUNNING -> lease == null ? null : lease.expiresAt();
            case QUEUED -> published ? null : dueAt;
            case SCHEDULED, RETRYING -> dueAt;
            case SUCCEEDED, FAILED, CANCELLED -> null;
        };
    }

    /** When the record may be deleted: the retention after finishing, or after creation for unfinished jobs. */
    @JsonIgnore
    public Instant expiresAt() {
        Instant from = finishedAt != null ? finishedAt : createdAt;
        return from.plus(spec.retention());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    /** The broker confirmed the message for this queued attempt. */
    public Job markPublished(Instant now) {
        require(state == JobState.QUEUED, "be marked published");
        return new Job(
                id,
                tenant,
                spec,
                state,
                attempts,
                createdAt,
                now,
                startedAt,
                finishedAt,
                null,
                progress,
                result,
                error,
                lease,
                cancelRequested,
                true,
                version);
    }

    /** A worker claims the queued job: it becomes running as attempt {@code attempts + 1}. */
    public Job claim(String owner, Instant now, Duration leaseDuration) {
        require(state == JobState.QUEUED, "be claimed");
        return new Job(
                id,
                tenant,
                spec,
                JobState.RUNNING,
                attempts + 1,
                createdAt,
                now,
                now,
                null,
                null,
                null,
                null,
                error,
                new Lease(owner, now.plus(leaseDuration)),
                false,
                true, // a worker got the message: it was published, whether or not its publisher recorded that yet
                version);
    }

    /** The running attempt's worker is alive: extend its lease. */
    public Job renewLease(Instant now, Duration leaseDuration) {
        require(state == JobState.RUNNING && lease != null, "renew its lease");
        return withRunning(new Lease(lease.owner(), now.plus(leaseDuration)), progress, now);
    }

    /** The running handler reported progress. */
    public Job reportProgress(Progress newProgress, Instant now) {
        require(state == JobState.RUNNING, "report progress");
        return withRunning(lease, newProgress, now);
    }

    /** The running attempt succeeded. */
    public Job succeed(JsonNode value, Instant now) {
        require(state == JobState.RUNNING, "succeed");
        Progress done = progress == null ? null : new Progress(100, progress.message());
        return new Job(
                id,
                tenant,
                spec,
                JobState.SUCCEEDED,
                attempts,
                createdAt,
                now,
                startedAt,
                now,
                null,
                done,
                value,
                null,
                null,
                false,
                published,
                version);
    }

    /** The running attempt failed and no attempt is left (or the failure is permanent). */
    public Job fail(JobError why, Instant now) {
        require(state == JobState.RUNNING, "fail");
        return new Job(
                id,
                tenant,
                spec,
                JobState.FAILED,
                attempts,
                createdAt,
                now,
                startedAt,
                now,
                null,
                progress,
                null,
                why,
                null,
                false,
                published,
                version);
    }

    /** The running attempt failed and another attempt will run at {@code retryAt}. */
    public Job retryAt(JobError why, Instant now, Instant retryAt) {
        require(state == JobState.RUNNING, "be retried");
        return new Job(
                id,
                tenant,
                spec,
                JobState.RETRYING,
                attempts,
                createdAt,
                now,
                startedAt,
                null,
                retryAt,
                progress,
                null,
                why,
                null,
                false,
                false,
                version);
    }

    /** {@code true} if a failed attempt should be followed by another one. */
    public boolean hasAttemptsLeft() {
        return attempts < spec.maxAttempts();
    }

    /** A waiting job became due: it is queued again, to be published by the scheduler. */
    public Job requeue(Instant now, Duration publishGrace) {
        require(state.isWaiting(), "be requeued");
        return new Job(
                id,
                tenant,
                spec,
                JobState.QUEUED,
                attempts,
                createdAt,
                now,
                startedAt,
                null,
                now.plus(publishGrace),
                progress,
                null,
                error,
                null,
                false,
                false,
                version);
    }

    /**
     * A client cancels. Queued or waiting jobs are cancelled at once; a running job gets {@code cancelRequested}
     * and its worker finishes the cancellation with {@link #acknowledgeCancel(Instant)}.
     */
    public Job cancel(Instant now) {
        return switch (state) {
            case QUEUED, SCHEDULED, RETRYING -> cancelled(now);
            case RUNNING ->
                new Job(
                        id, tenant, spec, state, attempts, createdAt, now, startedAt, null, dueAt, progress, result,
                        error, lease, true, published, version);
            case SUCCEEDED, FAILED, CANCELLED -> throw new IllegalJobStateChangeException(id, state, "be cancelled");
        };
    }

    /** The worker stopped a running job whose cancellation was requested. */
    public Job acknowledgeCancel(Instant now) {
        require(state == JobState.RUNNING && cancelRequested, "acknowledge a cancellation");
        return cancelled(now);
    }

    private Job cancelled(Instant now) {
        return new Job(
                id,
                tenant,
                spec,
                JobState.CANCELLED,
                attempts,
                createdAt,
                now,
                startedAt,
                now,
                null,
                progress,
                null,
                error,
                null,
                false,
                published,
                version);
    }

    private Job withRunning(Lease newLease, Progress newProgress, Instant now) {
        return new Job(
                id,
                tenant,
                spec,
                state,
                attempts,
                createdAt,
                now,
                startedAt,
                finishedAt,
                dueAt,
                newProgress,
                result,
                error,
                newLease,
                cancelRequested,
                published,
                version);
    }

    /** This record with another version; used by stores only. */
    public Job withVersion(long newVersion) {
        return new Job(
                id,
                tenant,
                spec,
                state,
                attempts,
                createdAt,
                updatedAt,
                startedAt,
                finishedAt,
                dueAt,
                progress,
                result,
                error,
                lease,
                cancelRequested,
                published,
                newVersion);
    }

    private void require(boolean allowed, String transition) {
        if (!allowed) {
            throw new IllegalJobStateChangeException(id, state, transition);
        }
    }
}
