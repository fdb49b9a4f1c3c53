package dev.offload.worker;

import dev.offload.model.Job;
import dev.offload.model.JobError;
import dev.offload.worker.spi.PermanentJobFailure;
import java.time.Duration;
import java.time.Instant;

/**
 * How a failed attempt changes a job, whoever noticed the failure (the executing worker or the scheduler after a lease
 * expired): another attempt after the backoff while attempts are left and the failure is retryable, otherwise failed
 * for good. Messages name the attempt ("attempt 2 of 3 timed out after 30s"); they never carry a stack trace.
 */
final class FailedAttempts {
    static final String HANDLER_FAILED = "handler.failed";
    static final String HANDLER_REJECTED = "handler.rejected";
    static final String HANDLER_MISSING = "handler.missing";
    static final String TIMEOUT = "timeout";
    static final String LEASE_EXPIRED = "lease.expired";

    private FailedAttempts() {}

    /** The job after its running attempt failed retryably. */
    static Job retryOrFail(Job running, JobError error, Instant now, Duration backoff) {
        return running.hasAttemptsLeft() ? running.retryAt(error, now, now.plus(backoff)) : running.fail(error, now);
    }

    static JobError thrown(Job running, Throwable cause) {
        String type = cause instanceof PermanentJobFailure ? HANDLER_REJECTED : HANDLER_FAILED;
        return new JobError(type, attemptOf(running) + " failed: " + describe(cause));
    }

    static JobError timedOut(Job running) {
        return new JobError(
                TIMEOUT,
                attemptOf(running) + " timed out after " + format(running.spec().timeout()));
    }

    static JobError leaseExpired(Job running) {
        return new JobError(
                LEASE_EXPIRED,
                attemptOf(running) + " was abandoned: worker " + running.lease().owner()
                        + " stopped renewing its lease, which expired at "
                        + running.lease().expiresAt());
    }

    static JobError noHandler(Job running, String workerId) {
        return new JobError(
                HANDLER_MISSING, "no handler for job type '" + running.spec().type() + "' on worker " + workerId);
    }

    private static String attemptOf(Job running) {
        return "attempt " + running.attempts() + " of " + running.spec().maxAttempts();
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        String name = cause.getClass().getSimpleName();
        if (cause instanceof PermanentJobFailure) {
            return message == null ? name : message;
        }
        return message == null || message.isBlank() ? name : message + " (" + name + ")";
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
