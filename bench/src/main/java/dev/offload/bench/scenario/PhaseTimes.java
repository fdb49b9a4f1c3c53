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
 * reported, like the run's own totals. Reset by {@link #begin} for every run of a capacity search. Thread-safe.
 *
 * <p>The warm-up's operations are recorded too, into histograms that are never reported, so that the warm-up runs the
 * same code as the measurement. When only measured operations were recorded, the generator compiled that path (the
 * parsing of each job's timestamps) in the measurement's first seconds: its CPU tripled for a few seconds and the
 * end-to-end p99 of those seconds rose to 35–100 ms.
 */
final class PhaseTimes {
    /** Longer than any wait the scenarios allow (their give-up deadlines are minutes). */
    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Map<String, Recorder> recorders = new LinkedHashMap<>();
    private final Map<String, Recorder> warmUpRecorders = new LinkedHashMap<>();
    private volatile long firstMeasured;

    PhaseTimes(List<String> phases) {
        phases.forEach(phase -> {
            recorders.put(phase, new Recorder(HIGHEST_TRACKABLE_NANOS, 3));
            warmUpRecorders.put(phase, new Recorder(HIGHEST_TRACKABLE_NANOS, 3));
        });
    }

    /** Forgets what earlier runs recorded; operations numbered below the plan's warm-up count are left out. */
    void begin(LoadPlan plan) {
        recorders.values().forEach(Recorder::reset);
        warmUpRecorders.values().forEach(Recorder::reset);
        firstMeasured = plan.warmupOperations();
    }

    /**
     * Records one phase of operation {@code sequence}, reported only if it is past the warm-up; a negative duration
     * (clock precision between two processes' stamps) counts as 0.
     */
    void record(long sequence, String phase, long nanos) {
        Recorder recorder = (sequence >= firstMeasured ? recorders : warmUpRecorders).get(phase);
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
