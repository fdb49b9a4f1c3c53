package dev.offload.bench.load;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} (from 0) at {@code start + i / rate};
 * or, with a ramp, at a rate that grows linearly from a tenth of {@code rate} to {@code rate} over {@code rampNanos},
 * then stays there (a cold JVM offered its full rate at once builds a backlog that outlives the warm-up).
 * The schedule never looks at responses, so a slow server cannot slow the arrivals down (no coordinated omission):
 * latency is measured from {@link #intendedNanos(long)}, not from the moment the request actually left.
 *
 * <p>Immutable and thread-safe; times are {@link System#nanoTime()} values.
 *
 * @param startNanos when request 0 is due
 * @param ratePerSecond requests per second, more than 0
 * @param total how many requests the run sends, 0 or more
 * @param rampNanos how long the rate takes to grow to {@code ratePerSecond}; 0 for none
 */
public record RateSchedule(long startNanos, double ratePerSecond, long total, long rampNanos) {

    private static final double NANOS_PER_SECOND = 1e9;
    /** The ramp's starting rate, as a share of the full rate. */
    static final double RAMP_FROM = 0.1;

    /** A schedule at a constant rate. */
    public RateSchedule(long startNanos, double ratePerSecond, long total) {
        this(startNanos, ratePerSecond, total, 0);
    }

    public RateSchedule {
        if (rampNanos < 0) {
            throw new IllegalArgumentException("the ramp must not be negative, but was " + rampNanos + " ns");
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, but was " + ratePerSecond);
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must be 0 or more, but was " + total);
        }
    }

    /** Requests a ramp of {@code rampNanos} sends at {@code ratePerSecond}: the mean of its two rates times its length. */
    public static double rampRequests(double ratePerSecond, long rampNanos) {
        return (1 + RAMP_FROM) / 2 * ratePerSecond * rampNanos / NANOS_PER_SECOND;
    }

    /** The time request {@code sequence} is due. */
    public long intendedNanos(long sequence) {
        if (rampNanos == 0) {
            return startNanos + (long) (sequence * NANOS_PER_SECOND / ratePerSecond);
        }
        double ramp = rampNanos / NANOS_PER_SECOND;
        double inRamp = rampRequests(ratePerSecond, rampNanos);
        double seconds;
        if (sequence < inRamp) {
            // Requests sent by time t: r0 t + a t^2 / 2 with a = (r - r0) / ramp; solved for t.
            double r0 = RAMP_FROM * ratePerSecond;
            double a = (ratePerSecond - r0) / ramp;
            seconds = (-r0 + Math.sqrt(r0 * r0 + 2 * a * sequence)) / a;
        } else {
            seconds = ramp + (sequence - inRamp) / ratePerSecond;
        }
        return startNanos + (long) (seconds * NANOS_PER_SECOND);
    }

    /** Requests due by {@code seconds} after the start, as a real number (the inverse of {@link #intendedNanos}). */
    private double sentBy(double seconds) {
        if (rampNanos == 0) {
            return seconds * ratePerSecond;
        }
        double ramp = rampNanos / NANOS_PER_SECOND;
        if (seconds >= ramp) {
            return rampRequests(ratePerSecond, rampNanos) + (seconds - ramp) * ratePerSecond;
        }
        double r0 = RAMP_FROM * ratePerSecond;
        return r0 * seconds + (ratePerSecond - r0) / ramp * seconds * seconds / 2;
    }

    /** How many requests are due at {@code nowNanos} (request {@code i} is due once its intended time has come). */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (long) Math.floor(sentBy((nowNanos - startNanos) / NANOS_PER_SECOND)) + 1;
        // Rounding can put the boundary one request off either way; intendedNanos is the reference.
        while (due > 0 && intendedNanos(due - 1) > nowNanos) {
            due--;
        }
        while (due < total && intendedNanos(due) <= nowNanos) {
            due++;
        }
        return Math.min(total, due);
    }

    /** The time the last request is due; {@code startNanos} for an empty schedule. */
    public long endNanos() {
        return total == 0 ? startNanos : intendedNanos(total - 1);
    }
}
