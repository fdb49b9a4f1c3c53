package dev.offload.bench.load;

/**
 * One second of a run, as the progress line and the per-second series show it. Latencies in milliseconds, of the
 * operations that completed successfully in that second.
 *
 * @param second seconds since the first operation was due (1 = the first second)
 * @param warmup whether the second lies (partly) in the warm-up
 * @param sent operations started in the second
 * @param completed operations that ended in the second, successfully or not
 * @param errors operations counted as errors in the second (over-bound ones included)
 * @param outstanding operations in flight at the end of the second
 */
public record Interval(
        int second,
        boolean warmup,
        long sent,
        long completed,
        long errors,
        long outstanding,
        double p50,
        double p90,
        double p99,
        double p999,
        double max) {}
