package dev.offload.bench.report;

import dev.offload.bench.capacity.CapacityReport;
import java.util.Locale;
import java.util.Map;

/** The terminal summary of a run: one aligned table of totals, percentiles, errors and verification. Pure. */
public final class SummaryTable {

    private SummaryTable() {}

    public static String format(RunReport report) {
        StringBuilder out = new StringBuilder();
        RunReport.Totals t = report.totals();
        out.append("== ").append(report.scenario()).append(" ==\n");
        row(out, "sent", Long.toString(t.sent()));
        row(out, "succeeded", Long.toString(t.succeeded()));
        row(out, "errors", Long.toString(t.errors()));
        row(out, "measured", String.format(Locale.ROOT, "%.1f s (+ %.1f s drain)", t.seconds(), t.drainSeconds()));
        row(out, "offered rate", String.format(Locale.ROOT, "%.1f /s", t.sentPerSecond()));
        row(out, "throughput (ok)", String.format(Locale.ROOT, "%.1f /s", t.succeededPerSecond()));
        row(out, "peak in flight", Long.toString(t.peakOutstanding()));
        for (Map.Entry<String, Double> p : report.latencyMs().entrySet()) {
            row(out, "latency " + p.getKey(), String.format(Locale.ROOT, "%.3f ms", p.getValue()));
        }
        report.phasesMs()
                .forEach((phase, p) -> row(
                        out,
                        "phase " + phase,
                        String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", p.get("p50"), p.get("p99"))));
        report.errors().forEach((kind, count) -> row(out, "error " + kind, Long.toString(count)));
        RunReport.Verification v = report.verification();
        if (v != null) {
            row(out, "jobs succeeded", v.succeeded() + " of " + v.submitted() + (v.passed() ? "" : "  LOST OR FAILED"));
        }
        ProcessUsage g = report.generator();
        row(out, "generator", String.format(Locale.ROOT, "cpu %.1f s, rss %d MiB", g.cpuSeconds(), g.rssKiB() / 1024));
        return out.toString();
    }

    /** The terminal summary of a capacity search: one line per step, then the sustained rate. */
    public static String format(CapacityReport report) {
        StringBuilder out = new StringBuilder();
        out.append("== ").append(report.scenario()).append(" capacity ==\n");
        for (CapacityReport.Step s : report.steps()) {
            row(
                    out,
                    String.format(Locale.ROOT, "%.0f /s offered", s.offeredRate()),
                    String.format(
                            Locale.ROOT,
                            "%.0f ok/s, p50 %.1f ms, p99 %.1f ms, %d errors: %s",
                            s.okPerSecond(),
                            s.p50Ms(),
                            s.p99Ms(),
                            s.errors(),
                            s.reason()));
        }
        row(out, "sustained", String.format(Locale.ROOT, "%.0f /s", report.sustainedRate()));
        RunReport.Verification v = report.verification();
        if (v != null) {
            row(out, "jobs succeeded", v.succeeded() + " of " + v.submitted() + (v.passed() ? "" : "  LOST OR FAILED"));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-20s %s%n", name, value));
    }
}
