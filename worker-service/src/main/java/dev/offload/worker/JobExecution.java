package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobState;
import dev.offload.model.Progress;
import dev.offload.worker.spi.JobHandler;
import dev.offload.worker.spi.PermanentJobFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handling of one delivered message: claim the job, run its handler on a virtual thread while supervising it
 * (heartbeats, progress writes, timeout, cancellation), then write the outcome. {@link #run()} runs on the delivery's
 * own virtual thread (the supervisor) and returns normally when the message may be acknowledged; it throws
 * {@link AttemptAbandoned} when it must not be. The other methods may be called from any thread and never block.
 */
final class JobExecution {
    private static final Logger LOG = LoggerFactory.getLogger(JobExecution.class);

    private final ExecutionEnvironment env;
    private final JobEnvelope envelope;
    private final BlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>();
    private volatile int cancelSeenForAttempt;
    private volatile boolean abandoned;

    JobExecution(ExecutionEnvironment env, JobEnvelope envelope) {
        this.env = env;
        this.envelope = envelope;
    }

    String jobId() {
        return envelope.jobId();
    }

    /** A store event said that a client asked to cancel this attempt of the job. */
    void cancelRequested(int attemptNumber) {
        cancelSeenForAttempt = attemptNumber;
        wake();
    }

    /** The worker gives up on this execution: the handler is interrupted and nothing is written or acknowledged. */
    void abandon() {
        abandoned = true;
        wake();
    }

    void run() {
        Optional<Attempt> claimed = claim();
        if (claimed.isEmpty()) {
            return;
        }
        Attempt attempt = claimed.get();
        Job job = attempt.latest();
        env.metrics().started(job.spec().type(), Duration.between(envelope.enqueuedAt(), job.startedAt()));
        Optional<JobHandler> handler = env.handlers().find(job.spec().type());
        if (handler.isEmpty()) {
            String workerId = env.config().id();
            record(attempt, j -> j.fail(FailedAttempts.noHandler(j, workerId), now()));
            return;
        }
        long started = System.nanoTime();
        Outcome outcome = supervise(attempt, handler.get());
        env.metrics().ran(job.spec().type(), Duration.ofNanos(System.nanoTime() - started));
        write(attempt, outcome);
    }

    // ---- claim ----------------------------------------------------------------------------------------------------

    /** Claims the job if it is queued; a duplicate or stale message finds it in another state and is acknowledged. */
    private Optional<Attempt> claim() {
        PatientStore store = env.store();
        Optional<Job> found = store.find(envelope.jobId());
        while (found.isPresent() && found.get().state() == JobState.QUEUED && !abandoned) {
            Job queued = found.get();
            Job next = queued.claim(env.config().id(), now(), env.config().leaseDuration());
            Optional<Job> claimed = store.compareAndSet(queued, next);
            if (claimed.isPresent()) {
                return Optional.of(new Attempt(store, claimed.get()));
            }
            found = store.find(envelope.jobId());
        }
        if (abandoned) {
            throw new AttemptAbandoned("worker stopped before job " + envelope.jobId() + " was claimed");
        }
        LOG.debug("job {}: not queued (duplicate or stale message), acknowledged", envelope.jobId());
        return Optional.empty();
    }

    // ---- supervision ----------------------------------------------------------------------------------------------

    private Outcome supervise(Attempt attempt, JobHandler handler) {
        Job job = attempt.latest();
        Duration timeout = job.spec().timeout();
        AttemptContext context = new AttemptContext(job, job.startedAt().plus(timeout), this::wake);
        // The wake-up comes from done(), which runs once the result is set: woken any earlier (from the handler's own
        // finally block, as it once was), the supervisor could find the task unfinished and sleep until the next
        // heartbeat with the job already done.
        FutureTask<JsonNode> running = new FutureTask<>(() -> handler.handle(context)) {
            @Override
            protected void done() {
                wake();
            }
        };
        env.threads().execute(running);
        Outcome outcome = watch(attempt, running, context, System.nanoTime() + timeout.toNanos());
        if (!running.isDone()) {
            context.markCancelled();
            running.cancel(true);
        }
        if (outcome instanceof Outcome.Succeeded) {
            // The handler's last report may still be held back by the throttle; the finished job should show it
            // (one more write, only for jobs that report progress).
            writeProgress(attempt, context.takeProgress(System.nanoTime()));
        }
        return outcome;
    }

    /** Waits for the handler, renewing the lease and writing progress meanwhile; stops it when it must stop. */
    private Outcome watch(Attempt attempt, Future<JsonNode> running, AttemptContext context, long deadline) {
        long heartbeatNanos = env.config().heartbeatInterval().toNanos();
        long nextHeartbeat = System.nanoTime() + heartbeatNanos;
        while (true) {
            if (running.isDone()) {
                return outcomeOf(running);
            }
            if (abandoned) {
                return new Outcome.Abandoned();
            }
            if (cancelSeenForAttempt == attempt.number()) {
                return new Outcome.Cancelled();
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return new Outcome.TimedOut();
            }
            if (context.isProgressDue(now) && !writeProgress(attempt, context.takeProgress(now))) {
                return new Outcome.Lost();
            }
            if (now - nextHeartbeat >= 0) {
                Optional<Job> renewed =
                        attempt.write(j -> j.renewLease(now(), env.config().leaseDuration()));
                if (renewed.isEmpty()) {
                    return new Outcome.Lost();
                }
                if (renewed.get().cancelRequested()) {
                    return new Outcome.Cancelled();
                }
                nextHeartbeat = now + heartbeatNanos;
            }
            long wakeAt = earliest(deadline, nextHeartbeat);
            sleepUntil(earliest(wakeAt, context.progressDueAt(wakeAt)));
        }
    }

    private boolean writeProgress(Attempt attempt, Progress progress) {
        if (progress == null) {
            return true;
        }
        Optional<Job> written = attempt.write(j -> j.reportProgress(progress, now()));
        written.filter(Job::cancelRequested).ifPresent(j -> cancelRequested(j.attempts()));
        return written.isPresent();
    }

    /** The earlier of two {@link System#nanoTime()} readings (compared by difference, as nanoTime may overflow). */
    private static long earliest(long a, long b) {
        return a - b < 0 ? a : b;
    }

    private void sleepUntil(long wakeAt) {
        long wait = wakeAt - System.nanoTime();
        try {
            if (wait > 0) {
                wakeUps.poll(wait, TimeUnit.NANOSECONDS);
            }
            wakeUps.clear();
        } catch (InterruptedException e) {
            abandoned = true;
        }
    }

    private static Outcome outcomeOf(Future<JsonNode> finished) {
        try {
            JsonNode result = finished.get();
            return new Outcome.Succeeded(result == null ? NullNode.getInstance() : result);
        } catch (ExecutionException e) {
            return new Outcome.Failed(e.getCause());
        } catch (CancellationException | InterruptedException e) {
            return new Outcome.Abandoned();
        }
    }

    // ---- outcome --------------------------------------------------------------------------------------------------

    private void write(Attempt attempt, Outcome outcome) {
        Duration backoff = env.config().retryBackoff();
        switch (outcome) {
            case Outcome.Succeeded s -> record(attempt, j -> j.succeed(s.result(), now()));
            case Outcome.Failed f
            when f.cause() instanceof PermanentJobFailure ->
                record(attempt, j -> j.fail(FailedAttempts.thrown(j, f.cause()), now()));
            case Outcome.Failed f ->
                record(
                        attempt,
                        j -> FailedAttempts.retryOrFail(j, FailedAttempts.thrown(j, f.cause()), now(), backoff));
            case Outcome.TimedOut t ->
                record(attempt, j -> FailedAttempts.retryOrFail(j, FailedAttempts.timedOut(j), now(), backoff));
            case Outcome.Cancelled c -> record(attempt, j -> j.acknowledgeCancel(now()));
            case Outcome.Lost l ->
                LOG.info("job {} attempt {}: no longer ours, result discarded", jobId(), attempt.number());
            case Outcome.Abandoned a ->
                throw new AttemptAbandoned("job " + jobId() + " attempt " + attempt.number()
                        + " abandoned by the worker; it runs again after its lease expires");
        }
    }

    private void record(Attempt attempt, UnaryOperator<Job> transition) {
        Optional<Job> written = attempt.write(transition);
        written.ifPresentOrElse(
                env.metrics()::recorded,
                () -> LOG.info("job {} attempt {}: no longer ours, outcome discarded", jobId(), attempt.number()));
    }

    private Instant now() {
        return env.clock().instant();
    }

    private void wake() {
        wakeUps.offer(Boolean.TRUE);
    }
}
