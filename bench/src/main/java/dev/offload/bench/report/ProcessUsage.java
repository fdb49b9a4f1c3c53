package dev.offload.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and resident memory of this process, from {@link ProcessHandle} and {@code /proc/self/status}.
 *
 * @param cpuSeconds user + system CPU time so far
 * @param rssKiB resident set size now (VmRSS), -1 where /proc is unavailable
 * @param hwmKiB the peak resident set size (VmHWM), -1 where /proc is unavailable
 */
public record ProcessUsage(double cpuSeconds, long rssKiB, long hwmKiB) {

    /** Reads the current process; blocking (a small file read). */
    public static ProcessUsage current() {
        double cpu = ProcessHandle.current()
                        .info()
                        .totalCpuDuration()
                        .orElse(Duration.ZERO)
                        .toNanos()
                / 1e9;
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException | UnsupportedOperationException e) {
            status = "";
        }
        return new ProcessUsage(cpu, statusKiB(status, "VmRSS"), statusKiB(status, "VmHWM"));
    }

    /** The value in KiB of a {@code /proc/<pid>/status} line such as {@code VmRSS:   123456 kB}, or -1. */
    static long statusKiB(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(
                        line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        return -1;
    }
}
