package dev.offload.worker;

import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobState;
import dev.offload.transport.JobPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler role, run by every worker: acts on due timers ({@link Job#deadline()}) taken with
 * {@code JobStore.claimDue}. It publishes queued jobs that nobody confirmed as published, requeues and publishes
 * delayed jobs and retries that became due, and turns running jobs whose lease expired into failed attempts. Every
 * change is a compare-and-set, so any number of schedulers may run at once; a publication that fails leaves the timer
 * (held by {@code claimDue} for {@code jobs.publishGrace}) to fire again.
 *
 * <p>Not thread-safe: {@link #tick()} is called by one thread at a time. Blocking.
 */
final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final int BATCH = 100;

    private final WorkerConfig config;
    private final PatientStore store;
    private final JobPublisher publisher;
    private final Clock clock;
    private final WorkerMetrics metrics;

    Scheduler(WorkerConfig config, PatientStore store, JobPublisher publisher, Clock clock, WorkerMetrics metrics) {
        this.config = config;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Handles every due timer, in batches of {@value #BATCH}; failures of one job are logged and do not stop it. */
    void tick() {
        List<String> due;
        do {
            due = store.unwrapped().claimDue(clock.instant(), BATCH, config.publishGrace());
            due.forEach(this::actOnSafely);
        } while (due.size() == BATCH && !Thread.currentThread().isInterrupted());
    }

    private void actOnSafely(String jobId) {
        try {
            store.find(jobId).ifPresent(this::actOn);
        } catch (AttemptAbandoned e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("scheduler: cannot act on job {}; its timer fires again later", jobId, e);
        }
    }

    private void actOn(Job job) {
        Instant now = clock.instant();
        switch (job.state()) {
            case QUEUED -> {
                if (!job.published()) {
                    publish(job);
                }
            }
            case RUNNING -> {
                if (job.lease() != null && job.lease().isExpiredAt(now)) {
                    expireLease(job);
                }
            }
            case SCHEDULED, RETRYING -> {
                if (job.dueAt() != null && !job.dueAt().isAfter(now)) {
                    store.compareAndSet(job, job.requeue(now, config.publishGrace()))
                            .ifPresent(this::publish);
                }
            }
            case SUCCEEDED, FAILED, CANCELLED -> {
                // nothing is pending
            }
        }
    }

    /** Publishes the queued job's message and records that; a failed publication is retried by the timer. */
    private void publish(Job queued) {
        try {
            publisher
                    .publish(JobEnvelope.of(queued, clock.instant()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(config.publishGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(
                    "scheduler: cannot publish job {}; retrying after jobs.publishGrace: {}",
                    queued.id(),
                    e instanceof ExecutionException ? e.getCause().toString() : "no broker acknowledgement in time");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // Drops the timer unless the job changed meanwhile (a worker claimed it, a client cancelled it): then the
        // write that changed it has set the timer it needs.
        store.confirmPublished(queued);
    }

    /** The worker running the job stopped heartbeating: its attempt failed, and is retried like any failed attempt. */
    private void expireLease(Job running) {
        Optional<Job> current = Optional.of(running);
        while (current.isPresent() && isExpiredAttempt(current.get(), running)) {
            Job job = current.get();
            Instant now = clock.instant();
            Job next = FailedAttempts.retryOrFail(job, FailedAttempts.leaseExpired(job), now, config.retryBackoff());
            Optional<Job> written = store.compareAndSet(job, next);
            if (written.isPresent()) {
                LOG.info(
                        "scheduler: job {} attempt {}: lease of {} expired, now {}",
                        job.id(),
                        job.attempts(),
                        job.lease().owner(),
                        written.get().state().wireName());
                metrics.recorded(written.get());
                return;
            }
            current = store.find(running.id());
        }
    }

    private boolean isExpiredAttempt(Job job, Job expired) {
        return job.state() == JobState.RUNNING
                && job.attempts() == expired.attempts()
                && job.lease() != null
                && job.lease().isExpiredAt(clock.instant());
    }
}
