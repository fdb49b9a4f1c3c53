package dev.offload.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.offload.gateway.JobDefaults;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import dev.offload.model.http.HttpRequestJob;
import dev.offload.schema.JsonSchemas;
import dev.offload.schema.SchemaViolation;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns a {@code POST /v1/jobs} body into a {@link JobSpec}: parses the JSON, validates it against
 * {@code job-submission.schema.json}, checks what the schema cannot know (job types and queues of this deployment),
 * and fills in the configured defaults. Immutable and thread-safe; pure CPU work, fine on an event loop.
 */
final class SubmissionReader {
    private final JobDefaults defaults;
    private final Consumer<String> callbackUrlCheck;

    /** @param callbackUrlCheck throws an {@link ApiException} for a callbackUrl that may not be called (SSRF guard) */
    SubmissionReader(JobDefaults defaults, Consumer<String> callbackUrlCheck) {
        this.defaults = defaults;
        this.callbackUrlCheck = callbackUrlCheck;
    }

    /** A valid submission: what to store, and when to run it ({@code null} = now). */
    record Submission(JobSpec spec, Instant runAt) {}

    Submission read(Buffer body, String traceparent, String idempotencyKey, String fingerprint, Instant now) {
        JsonNode json = parse(body);
        List<SchemaViolation> violations = JsonSchemas.submission().validate(json);
        if (!violations.isEmpty()) {
            throw ApiException.invalid(
                    "the job submission is invalid: " + violations.get(0).pointer() + " "
                            + violations.get(0).message(),
                    violations.stream()
                            .map(v -> FieldError.body(v.pointer(), v.message()))
                            .toList());
        }
        String type = json.get("type").asText();
        if (type.equals(HttpRequestJob.TYPE)) {
            // An http job names the upstreams a worker calls: only a configured route may create one.
            throw ApiException.of(
                    ErrorCode.UNKNOWN_JOB_TYPE,
                    "job type 'http' is reserved for requests captured by offload routes (routes.<name>.mode: async)");
        }
        if (!defaults.types().contains(type)) {
            throw ApiException.of(
                    ErrorCode.UNKNOWN_JOB_TYPE,
                    "job type '" + type + "' is not known; known types: "
                            + String.join(", ", new TreeSet<>(defaults.types())));
        }
        String queue = json.path("queue").asText("default");
        if (!defaults.queues().contains(queue)) {
            throw ApiException.invalid(
                    "queue '" + queue + "' does not exist",
                    List.of(FieldError.body(
                            "/queue",
                            "queue '" + queue + "' does not exist; existing queues: "
                                    + String.join(", ", new TreeSet<>(defaults.queues())))));
        }
        if (json.hasNonNull("callbackUrl")) {
            callbackUrlCheck.accept(json.get("callbackUrl").asText());
        }
        JobSpec spec = new JobSpec(
                type,
                queue,
                json.path("priority").asInt(0),
                json.has("payload") ? json.get("payload") : NullNode.getInstance(),
                metadata(json.get("metadata")),
                json.hasNonNull("callbackUrl") ? json.get("callbackUrl").asText() : null,
                traceparent,
                json.has("maxAttempts") ? json.get("maxAttempts").asInt() : defaults.maxAttempts(),
                json.has("timeoutSeconds")
                        ? Duration.ofSeconds(json.get("timeoutSeconds").asLong())
                        : defaults.timeout(),
                json.has("resultTtlSeconds")
                        ? Duration.ofSeconds(json.get("resultTtlSeconds").asLong())
                        : defaults.retention(),
                idempotencyKey,
                fingerprint);
        return new Submission(spec, runAt(json, now));
    }

    private static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ApiException.of(ErrorCode.MALFORMED_JSON, "the request body is empty; send a JSON object");
        }
        try {
            JsonNode json = Json.MAPPER.readTree(body.getBytes());
            if (json == null || !json.isObject()) {
                throw ApiException.of(ErrorCode.MALFORMED_JSON, "the request body must be a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw ApiException.of(
                    ErrorCode.MALFORMED_JSON,
                    "the request body is not valid JSON: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()));
        }
    }

    private static Instant runAt(JsonNode json, Instant now) {
        Instant runAt = null;
        if (json.has("delaySeconds") && json.get("delaySeconds").asLong() > 0) {
            runAt = now.plusSeconds(json.get("delaySeconds").asLong());
        } else if (json.has("runAt")) {
            runAt = Instant.parse(json.get("runAt").asText());
        }
        return runAt != null && runAt.isAfter(now) ? runAt : null;
    }

    private static Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = new HashMap<>();
        if (node != null) {
            node.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        return metadata;
    }
}
