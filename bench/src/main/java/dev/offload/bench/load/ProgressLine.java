package dev.offload.bench.load;

import java.util.Locale;

/** Formats the once-a-second progress line written to stderr while a run goes on. Pure; thread-safe. */
public final class ProgressLine {

    private ProgressLine() {}

    /** One line: second, sent/s, completed/s, p50 and p99 of the second, errors of the second and in total. */
    public static String format(Interval s, String errorKinds) {
        return String.format(
                Locale.ROOT,
                "%4ds%s sent %7d/s  done %7d/s  p50 %8.2f ms  p99 %8.2f ms  errors %6d  in flight %6d%s",
                s.second(),
                s.warmup() ? " (warm-up)" : "",
                s.sent(),
                s.completed(),
                s.p50(),
                s.p99(),
                s.errors(),
                s.outstanding(),
                errorKinds.isEmpty() ? "" : "  [" + errorKinds + "]");
    }
}
