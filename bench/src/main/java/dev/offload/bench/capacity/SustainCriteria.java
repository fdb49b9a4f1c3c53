package dev.offload.bench.capacity;

import dev.offload.bench.report.RunReport;

/**
 * When a rate counts as sustained: the system completed at least {@code minDeliveredShare} of the offered rate, no
 * operation failed (an over-bound error means a backlog had built up to the generator's in-flight bound), and the p99
 * stayed under {@code maxP99Millis}. A backlog that grows during a step shows up in all three: throughput falls behind,
 * then the latency of every later operation climbs, then the bound is reached.
 *
 * @param minDeliveredShare the share of the offered rate that must complete successfully, in (0, 1]
 * @param maxP99Millis the highest p99 latency (ms) that still counts as keeping up
 */
public record SustainCriteria(double minDeliveredShare, double maxP99Millis) {

    public SustainCriteria {
        if (!(minDeliveredShare > 0 && minDeliveredShare <= 1)) {
            throw new IllegalArgumentException("--sustain-share must be in (0, 1], but was " + minDeliveredShare);
        }
        if (!(maxP99Millis > 0)) {
            throw new IllegalArgumentException("--sustain-p99 must be more than 0, but was " + maxP99Millis);
        }
    }

    /** Whether the run at {@code offeredRate} kept up; the reason when it did not. */
    public Verdict judge(double offeredRate, RunReport report) {
        RunReport.Totals t = report.totals();
        double p99 = report.latencyMs().getOrDefault("p99", 0.0);
        if (t.errors() > 0) {
            return new Verdict(false, t.errors() + " operations failed " + report.errors());
        }
        if (t.succeededPerSecond() < minDeliveredShare * offeredRate) {
            return new Verdict(
                    false,
                    String.format(
                            java.util.Locale.ROOT, "%.0f ok/s of %.0f offered", t.succeededPerSecond(), offeredRate));
        }
        if (p99 > maxP99Millis) {
            return new Verdict(
                    false, String.format(java.util.Locale.ROOT, "p99 %.1f ms over %.0f ms", p99, maxP99Millis));
        }
        return new Verdict(true, "kept up");
    }

    /** The outcome of one step. */
    public record Verdict(boolean sustained, String reason) {}
}
