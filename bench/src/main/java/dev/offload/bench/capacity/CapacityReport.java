package dev.offload.bench.capacity;

import dev.offload.bench.report.RunReport;
import java.util.List;

/**
 * The result file of a capacity search ({@code <name>-capacity-<timestamp>.json}): a staircase of open-loop runs at
 * rising rates in one generator process (so the JIT warm-up of the generator is paid once, in the first step), and the
 * highest rate that was sustained. Each step's full report is written beside it as {@code <name>@<rate>-….json}.
 *
 * @param scenario the name of the search
 * @param criteria what "sustained" means
 * @param steps the steps in the order they ran (the search stops after the first rate that did not keep up, retried
 *     or not as {@code --step-retries} says, so a rate may appear more than once)
 * @param sustainedRate the highest offered rate that was sustained; 0 when none was
 * @param verification whether every job submitted in any step succeeded; null when the scenario submits none
 * @param stepReports the file names of the steps' reports
 */
public record CapacityReport(
        String scenario,
        SustainCriteria criteria,
        List<Step> steps,
        double sustainedRate,
        RunReport.Verification verification,
        List<String> stepReports) {

    /**
     * @param offeredRate operations per second offered
     * @param okPerSecond successful completions per second in the measured part
     * @param p50Ms median latency
     * @param p99Ms 99th percentile latency
     * @param errors failed operations
     * @param sustained whether the step kept up
     * @param reason why it did not (or "kept up")
     */
    public record Step(
            double offeredRate,
            double okPerSecond,
            double p50Ms,
            double p99Ms,
            long errors,
            boolean sustained,
            String reason) {}

    /** The highest sustained rate of {@code steps}; 0 when none was sustained. */
    public static double sustainedRate(List<Step> steps) {
        return steps.stream()
                .filter(Step::sustained)
                .mapToDouble(Step::offeredRate)
                .max()
                .orElse(0);
    }
}
