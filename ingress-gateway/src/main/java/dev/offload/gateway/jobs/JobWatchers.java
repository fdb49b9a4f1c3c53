package dev.offload.gateway.jobs;

import dev.offload.model.JobEvent;
import dev.offload.store.JobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
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
    /**
     * Events kept for a watch whose condition is not yet set: a job changes a few times a second at most, and the
     * condition is set one store read after the watch begins.
     */
    static final int EARLY_EVENTS = 8;

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
        Watch watch = watch(jobId, timeout);
        watch.until(condition);
        return watch;
    }

    /**
     * Watches {@code jobId} before the condition is known: events that arrive until {@link Watch#until} is called
     * are kept (the last {@value #EARLY_EVENTS}) and tested then. A long-poll registers this before its one read of
     * the job and names the change it waits for after it; without it, the poll would read the job a second time
     * after registering, to close the gap between its first read and the wait (a store round trip per long-poll).
     */
    Watch watch(String jobId, Duration timeout) {
        if (count.incrementAndGet() > maxWaiters) {
            count.decrementAndGet();
            return new Watch(new Waiter(vertx.getOrCreateContext(), Promise.promise()), Future.succeededFuture());
        }
        Waiter waiter = new Waiter(vertx.getOrCreateContext(), Promise.promise());
        waiters.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(waiter);
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> waiter.promise.tryComplete(null));
        Future<JobEvent> future = waiter.promise.future().eventually(() -> {
            vertx.cancelTimer(timer);
            remove(jobId, waiter);
            count.decrementAndGet();
            return Future.succeededFuture();
        });
        return new Watch(waiter, future);
    }

    /** A registered wait for a job change. */
    static final class Watch {
        private final Waiter waiter;
        private final Future<JobEvent> future;

        private Watch(Waiter waiter, Future<JobEvent> future) {
            this.waiter = waiter;
            this.future = future;
        }

        /**
         * Completes with the first event, kept since the watch began or still to come, that satisfies
         * {@code condition}; or with {@code null} after the watch's timeout or {@link #cancel()}. Call it once.
         */
        Future<JobEvent> until(Predicate<JobEvent> condition) {
            waiter.await(condition);
            return future;
        }

        /** The watch's future: {@link #until}'s, once that was called. */
        Future<JobEvent> future() {
            return future;
        }

        /** Ends the wait early; the future completes with {@code null}. */
        void cancel() {
            waiter.context.runOnContext(v -> waiter.promise.tryComplete(null));
        }
    }

    private void dispatch(JobEvent event) {
        List<Waiter> forJob = waiters.get(event.jobId());
        if (forJob == null) {
            return;
        }
        for (Waiter waiter : forJob) {
            waiter.offer(event);
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

    /**
     * One waiting request: its condition, or until that is set, the events seen so far. Events arrive on the store's
     * thread and the condition on the request's context, hence the lock.
     */
    private static final class Waiter {
        private final Context context;
        private final Promise<JobEvent> promise;
        private Predicate<JobEvent> condition;
        private ArrayDeque<JobEvent> early = new ArrayDeque<>(2);

        Waiter(Context context, Promise<JobEvent> promise) {
            this.context = context;
            this.promise = promise;
        }

        void offer(JobEvent event) {
            Predicate<JobEvent> test;
            synchronized (this) {
                if (condition == null) {
                    if (early.size() == EARLY_EVENTS) {
                        early.removeFirst();
                    }
                    early.addLast(event);
                    return;
                }
                test = condition;
            }
            if (test.test(event)) {
                complete(event);
            }
        }

        void await(Predicate<JobEvent> condition) {
            ArrayDeque<JobEvent> seen;
            synchronized (this) {
                if (this.condition != null) {
                    throw new IllegalStateException("the watch already has a condition");
                }
                this.condition = condition;
                seen = early;
                early = null;
            }
            seen.stream().filter(condition).findFirst().ifPresent(this::complete);
        }

        private void complete(JobEvent event) {
            context.runOnContext(v -> promise.tryComplete(event));
        }
    }
}
