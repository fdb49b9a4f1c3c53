package dev.offload.bench.report;

import dev.offload.bench.load.Interval;
import dev.offload.bench.load.RunResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result file of one scenario run ({@code bench/results/<scenario>-<timestamp>.json}), as Jackson writes it.
 * Latencies in milliseconds, rates per second. Immutable.
 *
 * @param scenario the scenario name
 * @param startedAt when the run started (ISO-8601)
 * @param config the options of the run, by name
 * @param totals counts and rates over the measured part (after the warm-up)
 * @param latencyMs percentiles of the successful operations' latencies over the measured part
 * @param phasesMs the same percentiles of each phase of an operation, for scenarios that break it down (e2e: accept,
 *     queued, run, notify); empty otherwise
 * @param errors error counts by kind ("status 503", "over-bound", …)
 * @param verification whether every submitted job succeeded; null for runs that submit no jobs
 * @param generator CPU time and memory of the load generator's own process
 * @param series one entry per second
 */
public record RunReport(
        String scenario,
        String startedAt,
        Map<String, Object> config,
        Totals totals,
        Map<String, Double> latencyMs,
        Map<String, Map<String, Double>> phasesMs,
        Map<String, Long> errors,
        Verification verification,
        ProcessUsage generator,
        List<Interval> series) {

    /**
     * @param sent operations started in the measured part
     * @param succeeded of those, the successful ones
     * @param errors of those, the failed ones (with the over-bound ones)
     * @param seconds the measured wall time (from the first to the last measured due time)
     * @param drainSeconds the time after the last due time until the last operation ended
     * @param sentPerSecond offered rate actually achieved
     * @param succeededPerSecond successful completions per second within the measured time: the throughput
     * @param peakOutstanding the most operations in flight at once
     */
    public record Totals(
            long sent,
            long succeeded,
            long errors,
            double seconds,
            double drainSeconds,
            double sentPerSecond,
            double succeededPerSecond,
            long peakOutstanding) {}

    /**
     * @param submitted jobs the run submitted (answered 202)
     * @param succeeded of those, the ones found in state succeeded at the end
     * @param notSucceeded the others: job id to the state or error found
     */
    public record Verification(long submitted, long succeeded, Map<String, String> notSucceeded) {
        public boolean passed() {
            return notSucceeded.isEmpty() && succeeded == submitted;
        }
    }

    /** This report with the jobs' verification (null for runs that submit no jobs). */
    public RunReport withVerification(Verification verification) {
        return new RunReport(
                scenario, startedAt, config, totals, latencyMs, phasesMs, errors, verification, generator, series);
    }

    /** Builds the report of a finished run. */
    public static RunReport of(
            String scenario,
            String startedAt,
            Map<String, Object> config,
            RunResult result,
            Map<String, Map<String, Double>> phasesMs,
            Verification verification,
            ProcessUsage generator) {
        Totals totals = new Totals(
                result.sent(),
                result.succeeded(),
                result.errorCount(),
                result.measuredSeconds(),
                result.drainSeconds(),
                result.sent() / result.measuredSeconds(),
                result.succeededInWindow() / result.measuredSeconds(),
                result.peakOutstanding());
        return new RunReport(
                scenario,
                startedAt,
                config,
                totals,
                percentiles(result.measured()),
                phasesMs,
                result.errors(),
                verification,
                generator,
                result.series());
    }

    /** p50, p90, p99, p99.9 and max in milliseconds (all 0 for an empty histogram). */
    public static Map<String, Double> percentiles(Histogram h) {
        Map<String, Double> p = new LinkedHashMap<>();
        boolean empty = h.getTotalCount() == 0;
        p.put("p50", empty ? 0 : h.getValueAtPercentile(50) / 1e6);
        p.put("p90", empty ? 0 : h.getValueAtPercentile(90) / 1e6);
        p.put("p99", empty ? 0 : h.getValueAtPercentile(99) / 1e6);
        p.put("p99.9", empty ? 0 : h.getValueAtPercentile(99.9) / 1e6);
        p.put("max", empty ? 0 : h.getMaxValue() / 1e6);
        return p;
    }
}
