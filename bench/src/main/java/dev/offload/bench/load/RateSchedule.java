package dev.offload.bench.load;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} (from 0) at {@code start + i / rate}.
 * The schedule never looks at responses, so a slow server cannot slow the arrivals down (no coordinated omission):
 * latency is measured from {@link #intendedNanos(long)}, not from the moment the request actually left.
 *
 * <p>Immutable and thread-safe; times are {@link System#nanoTime()} values.
 *
 * @param startNanos when request 0 is due
 * @param ratePerSecond requests per second, more than 0
 * @param total how many requests the run sends, 0 or more
 */
public record RateSchedule(long startNanos, double ratePerSecond, long total) {

    private static final double NANOS_PER_SECOND = 1e9;

    public RateSchedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, but was " + ratePerSecond);
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must be 0 or more, but was " + total);
        }
    }

    /** The time request {@code sequence} is due. */
    public long intendedNanos(long sequence) {
        return startNanos + (long) (sequence * NANOS_PER_SECOND / ratePerSecond);
    }

    /** How many requests are due at {@code nowNanos} (request {@code i} is due once its intended time has come). */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (long) Math.floor((nowNanos - startNanos) * ratePerSecond / NANOS_PER_SECOND) + 1;
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
