package dev.offload.gateway.jobs;

import dev.offload.model.JobEvent;
import dev.offload.store.JobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wakes long-polls ({@code ?wait=N}, {@code Prefer: wait=N}) when their job changes, on every gateway replica: one
 * store subscription per process feeds all waiters, which are indexed by job id so an event costs a map lookup.
 * Waiters are bounded in time by their timeout and in number by {@code gateway.maxWaitingRequests}: past the bound a
 * watch ends at once, as if it had timed out. A waiter is removed when it fires or times out. Thread-safe: events
 * arrive on the store's thread and each waiter is completed on its own Vert.x context.
 */
final class JobWatchers implements AutoCloseable {
    private final Vertx vertx;
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int maxWaiters;
    private final JobStore.Subscription subscription;

    JobWatchers(Vertx vertx, JobStore store, int maxWaiters) {
        this.vertx = vertx;
        this.maxWaiters = maxWaiters;
        this.subscription = store.subscribe(this::dispatch);
    }

    /**
     * Watches {@code jobId}: the watch's future completes with the first event that satisfies {@code condition}, or
     * with {@code null} after {@code timeout} or {@link Watch#cancel()}. Register before reading the job, so that no
     * change can slip between the read and the wait.
     */
    Watch watch(String jobId, Predicate<JobEvent> condition, Duration timeout) {
        if (count.incrementAndGet() > maxWaiters) {
            count.decrementAndGet();
            return new Watch(Future.succeededFuture(null), () -> {});
        }
        Context context = vertx.getOrCreateContext();
        Promise<JobEvent> promise = Promise.promise();
        Waiter waiter = new Waiter(condition, context, promise);
        waiters.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(waiter);
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> promise.tryComplete(null));
        Future<JobEvent> future = promise.future().eventually(() -> {
            vertx.cancelTimer(timer);
            remove(jobId, waiter);
            count.decrementAndGet();
            return Future.succeededFuture();
        });
        return new Watch(future, () -> context.runOnContext(v -> promise.tryComplete(null)));
    }

    /** A registered wait for a job change. */
    record Watch(Future<JobEvent> future, Runnable canceller) {
        /** Ends the wait early; the future completes with {@code null}. */
        void cancel() {
            canceller.run();
        }
    }

    private void dispatch(JobEvent event) {
        List<Waiter> forJob = waiters.get(event.jobId());
        if (forJob == null) {
            return;
        }
        for (Waiter waiter : forJob) {
            if (waiter.condition().test(event)) {
                waiter.context().runOnContext(v -> waiter.promise().tryComplete(event));
            }
        }
    }

    private void remove(String jobId, Waiter waiter) {
        waiters.computeIfPresent(jobId, (id, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        });
    }

    /** Number of waiting requests, for the metrics gauge. */
    int size() {
        return count.get();
    }

    @Override
    public void close() {
        subscription.close();
    }

    private record Waiter(Predicate<JobEvent> condition, Context context, Promise<JobEvent> promise) {}
}
