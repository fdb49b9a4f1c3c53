package dev.offload.store;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where jobs live: the single source of truth for a job's state, result and indexes (design §4).
 *
 * <p>Every change is one atomic compare-and-set on the job's {@link Job#version() version}: the caller computes the
 * next record with a transition of {@link Job} and the store writes it only if nobody changed the job in between.
 * With the record the store keeps, in the same atomic step, the job's indexes: the tenant listing, the idempotency
 * key, and the <em>timer</em> ({@link Job#deadline()}) that the scheduler polls with {@link #claimDue}. Every
 * successful change of an existing job emits a {@link JobEvent} to all subscribers of every process sharing the
 * store. A creation emits none: nobody can wait for a job whose id has not been returned yet.
 *
 * <p>Thread-safe. All methods <strong>block</strong> on I/O: call them from virtual threads or worker executors,
 * never from an event loop. They throw {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface JobStore extends AutoCloseable {

    /**
     * Stores a new job (version 1). If the job carries an idempotency key (its {@code spec().idempotencyKey()}) that
     * the tenant already used and that has not expired, nothing is written and the job stored under that key is
     * returned instead; the caller compares fingerprints.
     *
     * @param idempotencyTtl how long the idempotency key stays reserved; ignored without a key
     */
    CreateResult create(Job job, Duration idempotencyTtl);

    /**
     * {@link #create} for many jobs at once, in as few round trips as the store allows (Redis: one pipeline); the
     * results are in the order of {@code creations}. The gateway gathers the submissions of concurrent requests into
     * one call, so under load a store round trip carries many jobs instead of one.
     *
     * @throws StoreUnavailableException when the store cannot be reached (then no result is known for any item)
     */
    default List<BatchResult<CreateResult>> createAll(List<Creation> creations) {
        return creations.stream()
                .map(c -> BatchResult.capture(() -> create(c.job(), c.idempotencyTtl())))
                .toList();
    }

    /** {@link #compareAndSet} for many jobs at once, like {@link #createAll}; results in the order of the changes. */
    default List<BatchResult<Optional<Job>>> compareAndSetAll(List<Change> changes) {
        return changes.stream()
                .map(c -> BatchResult.capture(() -> compareAndSet(c.current(), c.next())))
                .toList();
    }

    /**
     * Records that the broker confirmed the message of {@code queued}'s current attempt, so that the scheduler does
     * not publish it again: drops the job's publish timer, if the stored job still has {@code queued.version()} (a
     * later write, such as a worker's claim, has already set the timer it needs). The record itself is not rewritten,
     * so it keeps {@code published = false} until a worker claims the job; it is therefore the cheap alternative to
     * {@code compareAndSet(queued, queued.markPublished(now))} for callers that never read the flag afterwards. On
     * Redis it is one small script instead of a rewrite of the record and an event.
     *
     * @return {@code true} if the timer was dropped, {@code false} if the job changed or vanished meanwhile
     */
    boolean confirmPublished(Job queued);

    /** {@link #confirmPublished} for many jobs at once, like {@link #createAll}; results in the order of the jobs. */
    default List<BatchResult<Boolean>> confirmPublishedAll(List<Job> queued) {
        return queued.stream()
                .map(job -> BatchResult.capture(() -> confirmPublished(job)))
                .toList();
    }

    /** The arguments of one {@link #create} in a {@link #createAll}. */
    record Creation(Job job, Duration idempotencyTtl) {}

    /** The arguments of one {@link #compareAndSet} in a {@link #compareAndSetAll}. */
    record Change(Job current, Job next) {}

    /** The job, or empty if it does not exist or has expired. */
    Optional<Job> find(String id);

    /**
     * Writes {@code next} if the stored job still has {@code current.version()}. The stored record gets version
     * {@code current.version() + 1}; its indexes and timer follow {@code next}, and a terminal job's record expires
     * after its retention.
     *
     * @return the record as stored (with its new version), or empty if the job changed or vanished meanwhile
     */
    Optional<Job> compareAndSet(Job current, Job next);

    /**
     * Deletes a job that was never published, with its idempotency key and indexes, as if it had never been
     * submitted: used when the broker refused the message. Does nothing if the job changed since {@code current}.
     *
     * @return {@code true} if the job was deleted
     */
    boolean abandon(Job current);

    /**
     * How many of the tenant's jobs are unfinished (scheduled, queued, running or retrying): the number the
     * per-tenant in-flight cap is checked against. The store keeps the count in the same atomic step as each job
     * write: +1 when a job is created (not for an idempotent duplicate), -1 when it reaches a terminal state or is
     * abandoned, +1 if a finished job is made to run again.
     */
    long unfinished(String tenant);

    /** The tenant's jobs, newest first. */
    JobPage list(String tenant, JobQuery query);

    /**
     * Up to {@code limit} ids of jobs whose timer ({@link Job#deadline()}) is at or before {@code now}. Each returned
     * timer is pushed to {@code now + hold}, so that concurrent schedulers do not take the same job at once and a
     * scheduler that dies before acting leaves the job to be found again after {@code hold}.
     */
    List<String> claimDue(Instant now, int limit, Duration hold);

    /**
     * Calls {@code listener} for every job change made through any store instance sharing this storage, including
     * this one. Listeners run on a store-owned thread and must not block.
     *
     * @return a handle that stops the subscription when closed
     */
    Subscription subscribe(Consumer<JobEvent> listener);

    /**
     * How many calls this store serves at once without waiting for a connection: its connection pool's size. A caller
     * with more threads than that (a worker running thousands of jobs) bounds its calls to it, so that a burst waits
     * in order for its turn instead of timing out on the pool and failing as "store unavailable".
     */
    default int maxConcurrentCalls() {
        return Integer.MAX_VALUE;
    }

    /** Checks that the store answers; throws {@link StoreUnavailableException} if not. */
    void ping();

    /** Releases connections and threads. */
    @Override
    void close();

    /** An active event subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
