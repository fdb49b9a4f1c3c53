package dev.offload.bench.scenario;

import dev.offload.bench.load.LoadPlan;
import dev.offload.bench.report.RunReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * Latencies of the named phases of each measured operation (for {@code e2e}: accept, queued, run, notify), so that a
 * report says where an end-to-end latency goes, not only how long it is. Only operations after the run's warm-up are
 * recorded, like the run's own totals. Reset by {@link #begin} for every run of a capacity search. Thread-safe.
 */
final class PhaseTimes {
    /** Longer than any wait the scenarios allow (their give-up deadlines are minutes). */
    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Map<String, Recorder> recorders = new LinkedHashMap<>();
    private volatile long firstMeasured;

    PhaseTimes(List<String> phases) {
        phases.forEach(phase -> recorders.put(phase, new Recorder(HIGHEST_TRACKABLE_NANOS, 3)));
    }

    /** Forgets what earlier runs recorded; operations numbered below the plan's warm-up count are left out. */
    void begin(LoadPlan plan) {
        recorders.values().forEach(Recorder::reset);
        firstMeasured = plan.warmupOperations();
    }

    boolean measured(long sequence) {
        return sequence >= firstMeasured;
    }

    /** Records one phase; a negative duration (clock precision between two processes' stamps) counts as 0. */
    void record(String phase, long nanos) {
        Recorder recorder = recorders.get(phase);
        if (recorder == null) {
            throw new IllegalArgumentException("no phase " + phase + "; phases are " + recorders.keySet());
        }
        recorder.recordValue(Math.min(HIGHEST_TRACKABLE_NANOS, Math.max(0, nanos)));
    }

    /** Percentiles in milliseconds by phase, of what was recorded since {@link #begin} (or the previous call). */
    Map<String, Map<String, Double>> percentilesMs() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        recorders.forEach((phase, recorder) -> out.put(phase, RunReport.percentiles(recorder.getIntervalHistogram())));
        return out;
    }
}
