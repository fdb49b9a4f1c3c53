package dev.offload.gateway.jobs;

import dev.offload.store.BatchResult;
import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Gathers the store writes of concurrent requests into batches, one store round trip per batch (group commit).
 * Nothing waits for a batch to fill: an item arriving while fewer than {@code maxFlushes} batches are in flight starts
 * one at once, so a lone request pays no delay; under load, items arriving while the flushes are busy queue up and
 * leave together with the next one. The batch sizes follow the load by themselves.
 *
 * <p>Flushes run on {@code executor} (off the event loop: the store client blocks). Each waiting request is completed
 * on its own Vert.x context (every HTTP request has one); an event loop that is already awake takes the later tasks of
 * a batch without another wake-up. The queue is bounded by the caller's permits ({@link AsyncJobStore}), not here.
 *
 * <p>If a batch fails as a whole for any reason but an unreachable store, each item is retried on its own so that one
 * bad item cannot fail its neighbours. Thread-safe.
 *
 * @param <I> the arguments of one write
 * @param <O> its result
 */
final class GroupCommit<I, O> {

    private final Function<List<I>, List<BatchResult<O>>> flush;
    private final Function<I, O> single;
    private final Executor executor;
    private final int maxBatch;
    private final int maxFlushes;
    private final ConcurrentLinkedQueue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger flushing = new AtomicInteger();

    /**
     * @param flush writes a batch, one result per item in order
     * @param single writes one item (the fallback when a batch failed as a whole)
     * @param maxBatch the most items one flush takes
     * @param maxFlushes the most flushes in flight at once
     */
    GroupCommit(
            Function<List<I>, List<BatchResult<O>>> flush,
            Function<I, O> single,
            Executor executor,
            int maxBatch,
            int maxFlushes) {
        this.flush = flush;
        this.single = single;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.maxFlushes = maxFlushes;
    }

    /** Queues {@code item} for the next batch; the future completes on {@code context}. */
    Future<O> submit(I item, Context context) {
        Promise<O> promise = Promise.promise();
        queue.add(new Pending<>(item, promise, context));
        startFlushIfIdle();
        return promise.future();
    }

    private void startFlushIfIdle() {
        while (true) {
            int running = flushing.get();
            if (running >= maxFlushes || queue.isEmpty()) {
                return;
            }
            if (flushing.compareAndSet(running, running + 1)) {
                executor.execute(this::drain);
                return;
            }
        }
    }

    private void drain() {
        try {
            List<Pending<I, O>> batch = new ArrayList<>();
            for (Pending<I, O> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
                batch.add(p);
            }
            if (!batch.isEmpty()) {
                complete(batch, write(batch));
            }
        } finally {
            flushing.decrementAndGet();
            // Items queued while this flush ran leave with the next one.
            startFlushIfIdle();
        }
    }

    private List<BatchResult<O>> write(List<Pending<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(p -> items.add(p.item()));
        try {
            return flush.apply(items);
        } catch (StoreUnavailableException e) {
            return items.stream().map(i -> BatchResult.<O>failed(e)).toList();
        } catch (RuntimeException e) {
            return items.stream()
                    .map(i -> BatchResult.capture(() -> single.apply(i)))
                    .toList();
        }
    }

    private void complete(List<Pending<I, O>> batch, List<BatchResult<O>> results) {
        for (int i = 0; i < batch.size(); i++) {
            Pending<I, O> p = batch.get(i);
            BatchResult<O> result = results.get(i);
            p.context().runOnContext(v -> settle(p.promise(), result));
        }
    }

    private static <O> void settle(Promise<O> promise, BatchResult<O> result) {
        switch (result) {
            case BatchResult.Value<O> v -> promise.complete(v.value());
            case BatchResult.Failure<O> f -> promise.fail(f.error());
        }
    }

    private record Pending<I, O>(I item, Promise<O> promise, Context context) {}
}
