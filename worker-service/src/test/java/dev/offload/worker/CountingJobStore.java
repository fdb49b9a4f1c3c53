package dev.offload.worker;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import dev.offload.store.CreateResult;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A real store that counts, per job, the compare-and-sets that won and wrote a terminal state. Thread-safe. */
final class CountingJobStore implements JobStore {
    private final JobStore delegate;
    private final Map<String, AtomicInteger> terminalWrites;

    CountingJobStore(JobStore delegate, Map<String, AtomicInteger> terminalWrites) {
        this.delegate = delegate;
        this.terminalWrites = terminalWrites;
    }

    static Map<String, AtomicInteger> newTally() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public Optional<Job> compareAndSet(Job current, Job next) {
        Optional<Job> stored = delegate.compareAndSet(current, next);
        if (stored.isPresent() && next.state().isTerminal()) {
            terminalWrites.computeIfAbsent(next.id(), id -> new AtomicInteger()).incrementAndGet();
        }
        return stored;
    }

    @Override
    public CreateResult create(Job job, Duration idempotencyTtl) {
        return delegate.create(job, idempotencyTtl);
    }

    @Override
    public Optional<Job> find(String id) {
        return delegate.find(id);
    }

    @Override
    public boolean confirmPublished(Job queued) {
        return delegate.confirmPublished(queued);
    }

    @Override
    public boolean abandon(Job current) {
        return delegate.abandon(current);
    }

    @Override
    public long unfinished(String tenant) {
        return delegate.unfinished(tenant);
    }

    @Override
    public JobPage list(String tenant, JobQuery query) {
        return delegate.list(tenant, query);
    }

    @Override
    public List<String> claimDue(Instant now, int limit, Duration hold) {
        return delegate.claimDue(now, limit, hold);
    }

    @Override
    public Subscription subscribe(Consumer<JobEvent> listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        // the delegate belongs to the test
    }
}
