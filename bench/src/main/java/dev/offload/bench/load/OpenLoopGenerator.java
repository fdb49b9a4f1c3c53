package dev.offload.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends operations at a constant arrival rate, whatever the server does (open loop), and measures each from its
 * intended start. A 1 ms timer on one event loop starts every operation that has come due; an operation due while
 * {@link LoadPlan#maxOutstanding()} are in flight is counted as an {@link LoadPlan#OVER_BOUND} error at once, so an
 * overloaded server shows up as errors and latency, never as a lower offered rate.
 *
 * <p>Latencies go into HdrHistogram {@link Recorder}s: one swapped every second for the series and the progress line,
 * one for the measured (post-warm-up) totals. Not thread-safe: {@link #run} is called once, from outside the event loop.
 */
public final class OpenLoopGenerator {

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Vertx vertx;
    private final LoadPlan plan;
    private final Operation operation;
    private final PrintStream progress;

    private final Recorder interval = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
    private final Recorder measuredRecorder = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong peakOutstanding = new AtomicLong();
    private final LongAdder sentInSecond = new LongAdder();
    private final LongAdder completedInSecond = new LongAdder();
    private final LongAdder errorsInSecond = new LongAdder();
    private final LongAdder measuredSent = new LongAdder();
    private final LongAdder measuredSucceeded = new LongAdder();
    private final LongAdder succeededInWindow = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicLong lastCompletion = new AtomicLong();
    private final List<Interval> series = new ArrayList<>();

    private RateSchedule schedule;
    private long measureStart;
    private long next;

    public OpenLoopGenerator(Vertx vertx, LoadPlan plan, Operation operation, PrintStream progress) {
        this.vertx = vertx;
        this.plan = plan;
        this.operation = operation;
        this.progress = progress;
    }

    /** Runs the whole plan on an event loop of {@code vertx} and blocks until every operation ended or timed out. */
    public RunResult run() throws InterruptedException {
        Context context = vertx.getOrCreateContext();
        Promise<Void> sentAll = Promise.promise();
        context.runOnContext(v -> begin(sentAll));
        waitFor(sentAll.future());
        long drainDeadline = System.nanoTime() + plan.drainTimeout().toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }
        long unfinished = outstanding.get();
        if (unfinished > 0) {
            errors.computeIfAbsent(LoadPlan.UNFINISHED, k -> new LongAdder()).add(unfinished);
        }
        Histogram measured = measuredRecorder.getIntervalHistogram();
        long windowEnd = plan.count() > 0 ? lastCompletion.get() : schedule.endNanos();
        double seconds = Math.max(1e-9, (windowEnd - measureStart) / 1e9);
        double drainSeconds = Math.max(0, (lastCompletion.get() - windowEnd) / 1e9);
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.sum()));
        synchronized (series) {
            return new RunResult(
                    List.copyOf(series),
                    measured,
                    measuredSent.sum(),
                    measuredSucceeded.sum(),
                    succeededInWindow.sum(),
                    errorCounts,
                    seconds,
                    drainSeconds,
                    peakOutstanding.get());
        }
    }

    private void begin(Promise<Void> sentAll) {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        schedule = new RateSchedule(start, plan.rate(), plan.total(), plan.rampNanos());
        measureStart = schedule.intendedNanos(plan.warmupOperations());
        long[] timers = new long[2];
        timers[0] = vertx.setPeriodic(1, id -> {
            sendDue();
            if (next >= schedule.total()) {
                vertx.cancelTimer(id);
                sentAll.tryComplete();
            }
        });
        timers[1] = vertx.setPeriodic(1000, id -> {
            Interval closed = closeSecond();
            if (sentAll.future().isComplete() && outstanding.get() == 0) {
                vertx.cancelTimer(id);
            }
            progress.println(ProgressLine.format(closed, errorKinds()));
        });
    }

    private void sendDue() {
        long due = schedule.dueBy(System.nanoTime());
        for (; next < due; next++) {
            dispatch(next);
        }
    }

    private void dispatch(long sequence) {
        long intended = schedule.intendedNanos(sequence);
        boolean measured = intended >= measureStart;
        if (measured) {
            measuredSent.increment();
        }
        sentInSecond.increment();
        if (outstanding.get() >= plan.maxOutstanding()) {
            countError(LoadPlan.OVER_BOUND, measured);
            return;
        }
        long now = outstanding.incrementAndGet();
        peakOutstanding.accumulateAndGet(now, Math::max);
        Future<Operation.Result> result;
        try {
            result = operation.start(sequence);
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(
                done -> complete(intended, measured, done.succeeded() ? done.result() : failure(done.cause())));
    }

    private void complete(long intended, boolean measured, Operation.Result result) {
        long end = System.nanoTime();
        lastCompletion.accumulateAndGet(end, Math::max);
        completedInSecond.increment();
        if (result.isOk()) {
            long latency = result.latencyNanos() >= 0 ? result.latencyNanos() : end - intended;
            latency = Math.min(Math.max(1, latency), HIGHEST_TRACKABLE_NANOS);
            interval.recordValue(latency);
            if (measured) {
                measuredRecorder.recordValue(latency);
                measuredSucceeded.increment();
            }
            if (end >= measureStart && end <= windowEnd()) {
                succeededInWindow.increment();
            }
        } else {
            countError(result.error(), measured);
        }
        outstanding.decrementAndGet();
    }

    // A run of a fixed count (longpoll) is measured until its last completion; a timed run until its last due time.
    private long windowEnd() {
        return plan.count() > 0 ? Long.MAX_VALUE : schedule.endNanos();
    }

    // The series counts every error; the totals only those of operations due after the warm-up.
    private void countError(String kind, boolean measured) {
        errorsInSecond.increment();
        if (measured) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    private static Operation.Result failure(Throwable cause) {
        String kind = cause.getClass().getSimpleName();
        String message = cause.getMessage();
        if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
            kind = "timeout";
        }
        return Operation.Result.error(kind);
    }

    private Interval closeSecond() {
        Histogram h = interval.getIntervalHistogram();
        synchronized (series) {
            int second = series.size() + 1;
            long secondEnd = schedule.startNanos() + second * SECOND;
            Interval closed = new Interval(
                    second,
                    secondEnd - SECOND < measureStart,
                    sentInSecond.sumThenReset(),
                    completedInSecond.sumThenReset(),
                    errorsInSecond.sumThenReset(),
                    outstanding.get(),
                    millis(h, 50),
                    millis(h, 90),
                    millis(h, 99),
                    millis(h, 99.9),
                    h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e6);
            series.add(closed);
            return closed;
        }
    }

    private String errorKinds() {
        StringBuilder kinds = new StringBuilder();
        new TreeMap<>(errors)
                .forEach((kind, count) -> kinds.append(kinds.isEmpty() ? "" : ", ")
                        .append(kind)
                        .append('=')
                        .append(count.sum()));
        return kinds.toString();
    }

    static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    private static void waitFor(Future<Void> future) throws InterruptedException {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        future.onComplete(x -> latch.countDown());
        latch.await();
    }
}
