package dev.offload.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.bench.load.Interval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path directory;

    @Test
    void jsonHoldsConfigSeriesTotalsPercentilesErrorsAndVerification() throws Exception {
        RunReport report = aReport("</script><b>");

        Path json = new ReportWriter(directory).write(report, Instant.parse("2026-11-28T12:00:00Z"));

        assertThat(json.getFileName()).hasToString("submit-20261128-120000.json");
        JsonNode read = ReportWriter.JSON.readTree(json.toFile());
        assertThat(read.at("/config/rate").asDouble()).isEqualTo(100.0);
        assertThat(read.at("/series/1/p99").asDouble()).isEqualTo(4.0);
        assertThat(read.at("/totals/succeededPerSecond").asDouble()).isEqualTo(49.5);
        assertThat(read.at("/latencyMs/p50").asDouble()).isBetween(0.99, 1.01);
        assertThat(read.at("/latencyMs/p99.9").isNumber()).isTrue();
        assertThat(read.at("/errors/status 503").asLong()).isEqualTo(1);
        assertThat(read.at("/verification/notSucceeded/01ABC").asText()).isEqualTo("failed");
    }

    @Test
    void htmlPageIsSelfContainedAndCannotBeBrokenOutOfByTheData() throws Exception {
        new ReportWriter(directory).write(aReport("</script><b>"), Instant.parse("2026-11-28T12:00:00Z"));

        String html = Files.readString(directory.resolve("submit-20261128-120000.html"));
        assertThat(html).doesNotContain("src=\"http", "href=\"http", "<link", "/*REPORT_DATA*/");
        assertThat(html).contains("\"succeededPerSecond\" : 49.5", "createElementNS", "polyline");
        assertThat(html).doesNotContain("</script><b>").contains("<\\/script><b>");
    }

    @Test
    void summaryTableShowsThroughputPercentilesAndLostJobs() {
        String table = SummaryTable.format(aReport("x"));

        assertThat(table).contains("throughput (ok)      49.5 /s", "latency p99.9", "error status 503     1");
        assertThat(table).contains("jobs succeeded       1 of 2  LOST OR FAILED");
    }

    private static RunReport aReport(String body) {
        Histogram latencies = new Histogram(3);
        latencies.recordValue(1_000_000);
        List<Interval> series = List.of(
                new Interval(1, true, 100, 98, 0, 2, 1, 2, 3, 3, 3),
                new Interval(2, false, 100, 100, 1, 0, 1, 2, 4, 5, 6));
        RunReport.Totals totals = new RunReport.Totals(100, 99, 1, 2.0, 0.5, 50, 49.5, 7);
        return new RunReport(
                "submit",
                "2026-11-28T12:00:00Z",
                Map.of("rate", 100.0, "body", body),
                totals,
                RunReport.percentiles(latencies),
                Map.of("queued", RunReport.percentiles(latencies)),
                Map.of("status 503", 1L),
                new RunReport.Verification(2, 1, Map.of("01ABC", "failed")),
                new ProcessUsage(1.5, 1024, 2048),
                series);
    }
}
