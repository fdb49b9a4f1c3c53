package dev.offload.gateway.jobs;

import dev.offload.store.BatchResult;
import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Gathers the store writes of concurrent requests into batches, one store round trip per batch (group commit).
 * Nothing waits for a batch to fill: an item arriving while fewer than {@code maxFlushes} batches are in flight starts
 * one at once, so a lone request pays no delay; under load, items arriving while the flushes are busy queue up and
 * leave together with the next one. The batch sizes follow the load by themselves. A non-blocking group commit can
 * keep its last flushes for full batches ({@code eagerFlushes} below {@code maxFlushes}).
 *
 * <p>Over a non-blocking store ({@link #nonBlocking}) a flush is started by the thread that finds it due, the event
 * loop of a request or of the linger's timer, and its answer arrives on an event loop too. Over a blocking store the
 * flush runs on an executor, off the event loop. Each waiting request is completed on its own Vert.x context (every
 * HTTP request has one); an event loop that is already awake takes the later tasks of a batch without another
 * wake-up. The queue is bounded by the caller's permits ({@link AsyncJobStore}), not here.
 *
 * <p>Writes that nobody waits for (a job's confirmed publication: the 202 has been sent) can be given a linger: the
 * first item of a batch then waits that long for company before its flush starts, so that a flush carries the items
 * of many requests instead of one or two. A round trip to Redis costs both sides system calls and a wake-up whatever
 * it carries: at 7,000 submissions a second, the gateway's store threads spent about 40 % of its CPU, mostly in
 * socket reads and writes. A full batch leaves at once, and {@link #close} sends off what is still waiting.
 *
 * <p>Writes that requests do wait for can be given a {@link Gather} instead: once a flush has carried at least
 * {@code from} items (there is load), the next one starts no sooner than {@code interval} after it, unless a full batch
 * waits; after a smaller flush, or when the store answers more slowly than that anyway, nothing waits. So it turns on
 * under load and off when a gathered flush still carries fewer than {@code from}, that is below {@code from / interval}
 * items a second. At 10,000 submissions a second Redis answers a creation flush in about a millisecond, so without it
 * a flush carried seven or eight jobs; with 3 ms it carries about twenty, and the gateway spent 14 % and Redis a
 * third less CPU per job (median of five alternating pairs; docs/performance.md, tenth session), for at most 3 ms
 * more latency. A lone request still leaves at once.
 *
 * <p>If a batch fails as a whole for any reason but an unreachable store, each item is retried on its own so that one
 * bad item cannot fail its neighbours. Thread-safe.
 *
 * @param <I> the arguments of one write
 * @param <O> its result
 */
final class GroupCommit<I, O> {

    private final Function<List<I>, Future<List<BatchResult<O>>>> flush;
    private final int maxBatch;
    private final int maxFlushes;
    private final int eagerFlushes;
    private final long lingerMillis;
    private final Gather gather;
    private final Vertx timers;
    private final ConcurrentLinkedQueue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger flushing = new AtomicInteger();
    private final AtomicBoolean lingering = new AtomicBoolean();
    // When the last flush started, and whether it carried enough items to make the next one gather.
    private volatile long lastFlushStart;
    private volatile boolean lastFlushGathers;
    private volatile boolean closed;

    /**
     * A group commit over a blocking store whose flushes start as soon as one may (no linger).
     *
     * @param flush writes a batch, one result per item in order
     * @param single writes one item (the fallback when a batch failed as a whole)
     * @param executor runs {@code flush} and {@code single}, off the event loop
     * @param maxBatch the most items one flush takes
     * @param maxFlushes the most flushes in flight at once
     */
    GroupCommit(
            Function<List<I>, List<BatchResult<O>>> flush,
            Function<I, O> single,
            Executor executor,
            int maxBatch,
            int maxFlushes) {
        this(flush, single, executor, maxBatch, maxFlushes, Duration.ZERO, null);
    }

    /**
     * A group commit over a blocking store whose batches wait up to {@code linger} for company (whole milliseconds;
     * {@code timers} sets the timer).
     */
    GroupCommit(
            Function<List<I>, List<BatchResult<O>>> flush,
            Function<I, O> single,
            Executor executor,
            int maxBatch,
            int maxFlushes,
            Duration linger,
            Vertx timers) {
        this(onExecutor(flush, single, executor), maxBatch, maxFlushes, maxFlushes, linger, Gather.NONE, timers);
    }

    private GroupCommit(
            Function<List<I>, Future<List<BatchResult<O>>>> flush,
            int maxBatch,
            int eagerFlushes,
            int maxFlushes,
            Duration linger,
            Gather gather,
            Vertx timers) {
        if (!linger.isZero() && (timers == null || linger.toMillis() < 1)) {
            throw new IllegalArgumentException("a linger needs Vert.x for its timer and at least 1 ms, got " + linger);
        }
        if (!gather.equals(Gather.NONE) && (timers == null || !linger.isZero())) {
            throw new IllegalArgumentException("a gather needs Vert.x for its timer and no linger, got " + gather);
        }
        this.flush = flush;
        this.maxBatch = maxBatch;
        this.maxFlushes = maxFlushes;
        this.eagerFlushes = eagerFlushes;
        this.lingerMillis = linger.toMillis();
        this.gather = gather;
        this.timers = timers;
    }

    /**
     * A group commit over a non-blocking store: {@code flush} is called on the thread that starts it (an event loop,
     * or the linger's timer) and must not block. A batch whose future fails for any reason but an unreachable store is
     * written again item by item, each as a batch of one. Up to {@code eagerFlushes} flushes start for any item; beyond
     * them, up to {@code maxFlushes}, a flush starts only for a full batch, so that a rate one flush cannot carry is
     * not capped by it while a lower rate still gathers its items into few round trips. A {@code linger} of more than
     * zero and a {@code gather} other than {@link Gather#NONE} exclude each other (see the class comment).
     */
    static <I, O> GroupCommit<I, O> nonBlocking(
            Function<List<I>, Future<List<BatchResult<O>>>> flush,
            int maxBatch,
            int eagerFlushes,
            int maxFlushes,
            Duration linger,
            Gather gather,
            Vertx timers) {
        return new GroupCommit<>(flush, maxBatch, eagerFlushes, maxFlushes, linger, gather, timers);
    }

    /** A blocking flush run on {@code executor}, with the item-by-item fallback of a batch that throws. */
    private static <I, O> Function<List<I>, Future<List<BatchResult<O>>>> onExecutor(
            Function<List<I>, List<BatchResult<O>>> flush, Function<I, O> single, Executor executor) {
        return items -> {
            Promise<List<BatchResult<O>>> written = Promise.promise();
            executor.execute(() -> {
                List<BatchResult<O>> results;
                try {
                    results = flush.apply(items);
                } catch (StoreUnavailableException e) {
                    results = items.stream().map(i -> BatchResult.<O>failed(e)).toList();
                } catch (RuntimeException e) {
                    results = items.stream()
                            .map(i -> BatchResult.capture(() -> single.apply(i)))
                            .toList();
                }
                written.complete(results);
            });
            return written.future();
        };
    }

    /** Queues {@code item} for the next batch; the future completes on {@code context}. */
    Future<O> submit(I item, Context context) {
        Promise<O> promise = Promise.promise();
        queue.add(new Pending<>(item, promise, context));
        queued.incrementAndGet();
        flushSoon();
        return promise.future();
    }

    /**
     * Ends the linger: what is queued leaves now. Not waited for, since the caller may be an event
     * loop; a confirmation lost at shutdown costs a second publication after jobs.publishGrace, nothing more.
     */
    void close() {
        closed = true;
        startFlushIfIdle();
    }

    // At once with a full batch, once closed, or with nothing to wait for; otherwise once the timer fires.
    private void flushSoon() {
        long delayMillis = closed || queued.get() >= maxBatch ? 0 : lingerMillis > 0 ? lingerMillis : gatherLeft();
        if (delayMillis == 0) {
            startFlushIfIdle();
        } else if (queued.get() > 0 && lingering.compareAndSet(false, true)) {
            timers.setTimer(delayMillis, id -> {
                lingering.set(false);
                startFlushIfIdle();
            });
        }
    }

    // What is left of the gather after the last flush, in whole milliseconds (rounded up: a timer takes no less).
    private long gatherLeft() {
        if (!lastFlushGathers) {
            return 0;
        }
        long left = lastFlushStart + gather.interval().toNanos() - System.nanoTime();
        return left <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(left + 999_999);
    }

    private void startFlushIfIdle() {
        while (true) {
            int running = flushing.get();
            if (running >= maxFlushes || queue.isEmpty() || (running >= eagerFlushes && queued.get() < maxBatch)) {
                return;
            }
            if (flushing.compareAndSet(running, running + 1)) {
                drain();
                return;
            }
        }
    }

    private void drain() {
        List<Pending<I, O>> batch = new ArrayList<>();
        for (Pending<I, O> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        queued.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            flushDone();
            return;
        }
        lastFlushStart = System.nanoTime();
        lastFlushGathers = batch.size() >= gather.from(); // never for NONE, whose threshold no batch reaches
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(p -> items.add(p.item()));
        write(items).onComplete(written -> {
            try {
                complete(batch, written.succeeded() ? written.result() : failedAll(items, written.cause()));
            } finally {
                flushDone();
            }
        });
    }

    private void flushDone() {
        flushing.decrementAndGet();
        // Items queued while this flush ran leave with the next one.
        flushSoon();
    }

    private Future<List<BatchResult<O>>> write(List<I> items) {
        return start(items)
                .recover(e -> e instanceof StoreUnavailableException || items.size() == 1
                        ? Future.succeededFuture(failedAll(items, e))
                        : eachAlone(items));
    }

    private Future<List<BatchResult<O>>> start(List<I> items) {
        try {
            return flush.apply(items);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    // One bad item must not fail its neighbours: each is written again as a batch of its own.
    private Future<List<BatchResult<O>>> eachAlone(List<I> items) {
        List<Future<BatchResult<O>>> alone = new ArrayList<>(items.size());
        for (I item : items) {
            alone.add(start(List.of(item)).map(results -> results.getFirst()).otherwise(BatchResult::failedBy));
        }
        return Future.join(alone).map(all -> {
            List<BatchResult<O>> results = new ArrayList<>(alone.size());
            alone.forEach(f -> results.add(f.result()));
            return results;
        });
    }

    private static <I, O> List<BatchResult<O>> failedAll(List<I> items, Throwable error) {
        return items.stream().map(i -> BatchResult.<O>failedBy(error)).toList();
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

    /**
     * How a flush under load waits for company (see the class comment).
     *
     * @param interval the least time from the start of a flush of at least {@code from} items to the start of the next
     * @param from the size of flush from which the next one gathers
     */
    record Gather(Duration interval, int from) {
        /** No gathering: a flush starts as soon as one may. */
        static final Gather NONE = new Gather(Duration.ZERO, Integer.MAX_VALUE);

        Gather {
            if (from < 1 || (from < Integer.MAX_VALUE && interval.toMillis() < 1)) {
                throw new IllegalArgumentException(
                        "a gather waits at least 1 ms from a flush of at least one item, got " + interval + " from "
                                + from);
            }
        }
    }
}
