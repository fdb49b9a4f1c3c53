package dev.offload.worker;

import dev.offload.model.IllegalJobStateChangeException;
import dev.offload.model.Job;
import dev.offload.model.JobState;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed attempt of a job, as this worker knows it: the latest stored record and the rule for whether the attempt
 * is still ours (running, this attempt number, our lease). Every write of the attempt (heartbeat, progress, outcome) is
 * a compare-and-set loop: on a version conflict it re-reads the job and tries again only while the attempt is still
 * ours, so of two executions of one attempt only the first terminal write wins. Writes are serialised, because the
 * heartbeat, progress and the outcome share the version they compare against. Thread-safe; blocking.
 */
final class Attempt {
    private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);

    private final PatientStore store;
    private final String owner;
    private final int number;
    private final ReentrantLock writing = new ReentrantLock();
    private volatile Job latest;

    Attempt(PatientStore store, Job claimed) {
        this.store = store;
        this.latest = claimed;
        this.owner = claimed.lease().owner();
        this.number = claimed.attempts();
    }

    Job latest() {
        return latest;
    }

    int number() {
        return number;
    }

    /**
     * Writes {@code transition} of the latest record while the attempt is ours.
     *
     * @return the stored record, or empty if the attempt is no longer ours (the write is discarded)
     */
    Optional<Job> write(UnaryOperator<Job> transition) {
        writing.lock();
        try {
            Job current = latest;
            while (isOurs(current)) {
                Optional<Job> next = apply(transition, current);
                if (next.isPresent()) {
                    Optional<Job> stored = store.compareAndSet(current, next.get());
                    if (stored.isPresent()) {
                        latest = stored.get();
                        return stored;
                    }
                }
                Job fresh = reread(current);
                if (next.isEmpty() && fresh != null && fresh.version() == current.version()) {
                    LOG.warn(
                            "job {} attempt {}: write discarded, the job's state does not allow it",
                            current.id(),
                            number);
                    return Optional.empty();
                }
                current = fresh;
            }
            return Optional.empty();
        } finally {
            writing.unlock();
        }
    }

    /** The transition of {@code current}, or empty if it does not allow it (perhaps only because it is stale). */
    private Optional<Job> apply(UnaryOperator<Job> transition, Job current) {
        try {
            return Optional.of(transition.apply(current));
        } catch (IllegalJobStateChangeException e) {
            LOG.debug("job {} attempt {}: {}", current.id(), number, e.getMessage());
            return Optional.empty();
        }
    }

    private Job reread(Job current) {
        Job fresh = store.find(current.id()).orElse(null);
        if (fresh != null) {
            latest = fresh;
        }
        return fresh;
    }

    boolean isOurs(Job job) {
        return job != null
                && job.state() == JobState.RUNNING
                && job.attempts() == number
                && job.lease() != null
                && job.lease().owner().equals(owner);
    }
}
