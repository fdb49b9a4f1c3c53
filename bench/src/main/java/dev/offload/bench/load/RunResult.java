package dev.offload.bench.load;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What an open-loop run measured. The histogram holds the latencies (nanoseconds) of the successful operations that
 * were due after the warm-up; the counts are over the same operations.
 *
 * @param series one entry per second, warm-up included
 * @param measured latencies after the warm-up
 * @param sent operations due after the warm-up that were started
 * @param succeeded of those, the ones that succeeded
 * @param succeededInWindow successful completions between the first and the last measured due time, whatever
 *     operation they belong to: the throughput's numerator, unaffected by the warm-up's or the drain's rates
 * @param errors of those (and of the over-bound ones), the failures by kind
 * @param measuredSeconds wall time from the first to the last measured operation's due time
 * @param drainSeconds wall time from the last due time to the last completion
 * @param peakOutstanding the most operations in flight at once
 */
public record RunResult(
        List<Interval> series,
        Histogram measured,
        long sent,
        long succeeded,
        long succeededInWindow,
        Map<String, Long> errors,
        double measuredSeconds,
        double drainSeconds,
        long peakOutstanding) {

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
