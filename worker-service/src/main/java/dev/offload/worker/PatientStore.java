package dev.offload.worker;

import dev.offload.model.Job;
import dev.offload.store.JobStore;
import dev.offload.store.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store calls of the worker, retried with backoff while the store is unavailable: an outcome is not acknowledged
 * before it is written, so giving up early would only make the broker deliver the message again. Retrying stops when
 * the worker is killed or the calling thread is interrupted ({@link AttemptAbandoned}). Thread-safe; blocking.
 *
 * <p>Calls in flight are bounded by the store's {@link JobStore#maxConcurrentCalls() connection pool}, through a fair
 * semaphore: a worker runs up to {@code worker.concurrency} jobs on virtual threads (thousands of them for I/O-bound
 * jobs), and when many finish at once their writes would otherwise wait on the pool past its timeout and fail as
 * "store unavailable", to be retried after a backoff. Waiting on the semaphore instead costs a parked virtual thread
 * and serves the calls in arrival order.
 */
final class PatientStore {
    private static final Logger LOG = LoggerFactory.getLogger(PatientStore.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final JobStore store;
    private final BooleanSupplier killed;

    private final Semaphore calls;

    PatientStore(JobStore store, BooleanSupplier killed) {
        this.store = store;
        this.killed = killed;
        this.calls = new Semaphore(store.maxConcurrentCalls(), true);
    }

    Optional<Job> find(String id) {
        return patiently("read job " + id, () -> store.find(id));
    }

    Optional<Job> compareAndSet(Job current, Job next) {
        return patiently("write job " + current.id(), () -> store.compareAndSet(current, next));
    }

    boolean confirmPublished(Job queued) {
        return patiently("record the publication of job " + queued.id(), () -> store.confirmPublished(queued));
    }

    JobStore unwrapped() {
        return store;
    }

    private <T> T bounded(Supplier<T> call) {
        try {
            calls.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttemptAbandoned("interrupted while waiting for a store connection");
        }
        try {
            return call.get();
        } finally {
            calls.release();
        }
    }

    private <T> T patiently(String what, Supplier<T> call) {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            if (killed.getAsBoolean()) {
                throw new AttemptAbandoned("worker killed");
            }
            try {
                return bounded(call);
            } catch (StoreUnavailableException e) {
                LOG.warn(
                        "cannot {}, store unavailable; retrying in {} ms: {}",
                        what,
                        backoff.toMillis(),
                        e.getMessage());
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static void pause(Duration backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttemptAbandoned("interrupted while waiting for the store");
        }
    }
}
