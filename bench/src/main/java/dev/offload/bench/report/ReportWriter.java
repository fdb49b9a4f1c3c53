package dev.offload.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.offload.bench.capacity.CapacityReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link RunReport} as {@code <scenario>-<timestamp>.json} and as a self-contained HTML page beside it (the
 * data inline, charts drawn as SVG by inline JavaScript, nothing loaded from elsewhere). Thread-safe; blocking.
 */
public final class ReportWriter {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final String DATA_MARKER = "/*REPORT_DATA*/null";

    private final Path directory;

    public ReportWriter(Path directory) {
        this.directory = directory;
    }

    /** Writes both files and returns the JSON file's path. */
    public Path write(RunReport report, Instant startedAt) throws IOException {
        Files.createDirectories(directory);
        String base = report.scenario() + "-" + STAMP.format(startedAt);
        Path json = directory.resolve(base + ".json");
        Files.writeString(json, toJson(report));
        Files.writeString(directory.resolve(base + ".html"), toHtml(report));
        return json;
    }

    /** Writes a capacity search's summary as {@code <scenario>-capacity-<timestamp>.json}; returns its path. */
    public Path writeCapacity(CapacityReport report, Instant startedAt) throws IOException {
        Files.createDirectories(directory);
        Path json = directory.resolve(report.scenario() + "-capacity-" + STAMP.format(startedAt) + ".json");
        Files.writeString(json, toJson(report));
        return json;
    }

    /** The report as indented JSON. */
    public static String toJson(Object report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report could not be written as JSON", e);
        }
    }

    /** The self-contained HTML page of a report. */
    public static String toHtml(RunReport report) {
        // "</" would end the inline script early; "<\/" means the same inside a JSON string.
        String data = toJson(report).replace("</", "<\\/");
        return template().replace(DATA_MARKER, data).replace("{{TITLE}}", escape(report.scenario()));
    }

    private static String template() {
        try (InputStream in = ReportWriter.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html is missing from the bench jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
