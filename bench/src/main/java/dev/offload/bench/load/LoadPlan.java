package dev.offload.bench.load;

import java.time.Duration;

/**
 * What an open-loop run sends: {@code rate} operations per second for {@code warmup + duration} (or exactly
 * {@code count} operations when it is more than 0), with at most {@code maxOutstanding} in flight. An operation due
 * while {@code maxOutstanding} are in flight is not sent, not delayed: it is counted as an {@value #OVER_BOUND} error.
 *
 * @param rate operations per second
 * @param duration the measured part of the run
 * @param warmup the first part, sent at the same rate but left out of the totals
 * @param count when more than 0, the number of operations to send (then duration and warmup are derived from it)
 * @param maxOutstanding the bound on operations in flight
 * @param drainTimeout how long the run waits for operations still in flight after the last one was sent
 * @param ramp whether the warm-up ramps the rate up from a tenth ({@link RateSchedule}) instead of sending the full rate
 */
public record LoadPlan(
        double rate,
        Duration duration,
        Duration warmup,
        long count,
        int maxOutstanding,
        Duration drainTimeout,
        boolean ramp) {

    /** The error kind of operations that were due while the bound on outstanding operations was reached. */
    public static final String OVER_BOUND = "over-bound";

    /** The error kind of operations still in flight when the drain timeout ran out. */
    public static final String UNFINISHED = "unfinished";

    /** A plan without a ramp. */
    public LoadPlan(
            double rate, Duration duration, Duration warmup, long count, int maxOutstanding, Duration drainTimeout) {
        this(rate, duration, warmup, count, maxOutstanding, drainTimeout, false);
    }

    public LoadPlan {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be more than 0, but was " + rate);
        }
        if (duration.isNegative() || warmup.isNegative()) {
            throw new IllegalArgumentException("--duration and --warmup must not be negative");
        }
        if (count == 0 && duration.isZero()) {
            throw new IllegalArgumentException("--duration must be more than 0, but was " + duration);
        }
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("--max-outstanding must be at least 1, but was " + maxOutstanding);
        }
    }

    /** Operations the run sends in total, warm-up included. */
    public long total() {
        if (count > 0) {
            return count;
        }
        return warmupOperations() + Math.round(rate * duration.toNanos() / 1e9);
    }

    /**
     * How long the rate ramps up: the warm-up when ramped, else 0. A counted run (longpoll) ramps over it too, so that
     * clients arrive at a rising rate, but measures every operation.
     */
    public long rampNanos() {
        return ramp ? warmup.toNanos() : 0;
    }

    /** Operations sent during the warm-up (their results are not in the totals). */
    public long warmupOperations() {
        if (count > 0) {
            return 0;
        }
        return ramp
                ? Math.round(RateSchedule.rampRequests(rate, warmup.toNanos()))
                : Math.round(rate * warmup.toNanos() / 1e9);
    }
}
