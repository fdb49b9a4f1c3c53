package dev.offload.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobError;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSchemasTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00.123456789Z");

    // ---- submissions ------------------------------------------------------------------------------------------

    @Test
    void minimalSubmissionIsValid() {
        assertThat(JsonSchemas.submission().validate(json("{\"type\":\"demo.sleep\"}")))
                .isEmpty();
    }

    @Test
    void submissionWithEveryOptionIsValid() {
        String body = """
                {"type": "report.generate", "payload": {"reportId": 42, "tags": ["a", null]}, "queue": "reports",
                 "priority": 9, "runAt": "2025-03-02T06:00:00.5+01:00", "timeoutSeconds": 86400, "maxAttempts": 100,
                 "callbackUrl": "https://client.example.com/hooks/offload?x=1", "resultTtlSeconds": 60,
                 "metadata": {"customer": "acme", "trace.id-1_x": "v"}}
                """;

        assertThat(JsonSchemas.submission().validate(json(body))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "42", "\"text\"", "[1, 2]", "{\"a\": {\"b\": []}}"})
    void payloadMayBeAnyJsonValue(String payload) {
        assertThat(JsonSchemas.submission().validate(json("{\"type\":\"t\",\"payload\":" + payload + "}")))
                .isEmpty();
    }

    @Test
    void missingTypeIsReportedAtItsPointer() {
        assertThat(JsonSchemas.submission().validate(json("{\"payload\": 1}")))
                .containsExactly(new SchemaViolation("/type", "is required"));
    }

    @Test
    void bodyThatIsNotAnObjectIsReportedForTheWholeDocument() {
        assertThat(JsonSchemas.submission().validate(json("[]")))
                .containsExactly(new SchemaViolation("", "must be an object, but was an array"));
    }

    @Test
    void outOfRangeNumbersNameTheLimit() {
        List<SchemaViolation> violations = JsonSchemas.submission().validate(json("""
                        {"type": "t", "priority": 10, "delaySeconds": -1, "timeoutSeconds": 0, "maxAttempts": 101,
                         "resultTtlSeconds": 59}
                        """));

        assertThat(violations)
                .containsExactly(
                        new SchemaViolation("/delaySeconds", "must be at least 0"),
                        new SchemaViolation("/maxAttempts", "must be at most 100"),
                        new SchemaViolation("/priority", "must be at most 9"),
                        new SchemaViolation("/resultTtlSeconds", "must be at least 60"),
                        new SchemaViolation("/timeoutSeconds", "must be at least 1"));
        assertThat(violations.get(2)).hasToString("/priority: must be at most 9");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(JsonSchemas.submission()
                        .validate(json("{\"type\": 7, \"priority\": \"high\", \"delaySeconds\": 1.5}")))
                .containsExactly(
                        new SchemaViolation("/delaySeconds", "must be an integer, but was a number"),
                        new SchemaViolation("/priority", "must be an integer, but was a string"),
                        new SchemaViolation("/type", "must be a string, but was an integer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Report", "report..x", "1report", "report.", "a b", ""})
    void malformedTypeIsRejectedWithThePattern(String type) {
        assertThat(JsonSchemas.submission().validate(json("{\"type\": \"" + type + "\"}")))
                .containsExactly(
                        new SchemaViolation("/type", "must match the pattern ^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$"));
    }

    @Test
    void overlongTypeAndQueueAreRejected() {
        String type = "t".repeat(65);
        String queue = "q".repeat(64);

        assertThat(JsonSchemas.submission()
                        .validate(json("{\"type\": \"" + type + "\", \"queue\": \"" + queue + "\"}")))
                .containsExactly(
                        new SchemaViolation("/queue", "must match the pattern ^[a-z][a-z0-9_-]{0,62}$"),
                        new SchemaViolation("/type", "must be at most 64 characters long"));
    }

    @Test
    void malformedInstantAndUrlNameTheExpectedFormat() {
        assertThat(JsonSchemas.submission()
                        .validate(json("{\"type\": \"t\", \"runAt\": \"tomorrow\", \"callbackUrl\": \"not a url\"}")))
                .containsExactly(
                        new SchemaViolation(
                                "/callbackUrl", "must be an absolute URI, e.g. https://example.com/hooks/offload"),
                        new SchemaViolation(
                                "/runAt", "must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T12:00:00Z"));
    }

    @Test
    void instantWithoutTimeZoneIsRejected() {
        assertThat(JsonSchemas.submission().validate(json("{\"type\": \"t\", \"runAt\": \"2025-03-02T06:00:00\"}")))
                .extracting(SchemaViolation::pointer)
                .containsExactly("/runAt");
    }

    @Test
    void overlongCallbackUrlIsRejected() {
        String url = "https://example.com/" + "a".repeat(2030);

        assertThat(JsonSchemas.submission().validate(json("{\"type\": \"t\", \"callbackUrl\": \"" + url + "\"}")))
                .containsExactly(new SchemaViolation("/callbackUrl", "must be at most 2048 characters long"));
    }

    @Test
    void unknownFieldIsRejectedAndTheAcceptedFieldsAreListed() {
        List<SchemaViolation> violations =
                JsonSchemas.submission().validate(json("{\"type\": \"t\", \"colour\": \"red\"}"));

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).pointer()).isEqualTo("/colour");
        assertThat(violations.get(0).message())
                .startsWith("is not an accepted field; accepted fields are type, payload, queue, priority")
                .contains("metadata");
    }

    @Test
    void delaySecondsWithRunAtIsRejected() {
        assertThat(JsonSchemas.submission()
                        .validate(json("{\"type\": \"t\", \"delaySeconds\": 5, \"runAt\": \"2025-03-02T06:00:00Z\"}")))
                .containsExactly(
                        new SchemaViolation("/runAt", "cannot be combined with delaySeconds; send only one of them"));
    }

    @Test
    void metadataNamesValuesAndSizeAreLimited() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("type", "t");
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("bad key", "v");
        metadata.put("n".repeat(65), "v");
        metadata.put("long", "v".repeat(513));
        metadata.put("number", 3);

        assertThat(JsonSchemas.submission().validate(body))
                .containsExactlyInAnyOrder(
                        new SchemaViolation(
                                "/metadata/bad key",
                                "is not an accepted name: it must match ^[A-Za-z0-9_.-]+$ and be at most 64 characters long"),
                        new SchemaViolation(
                                "/metadata/" + "n".repeat(65),
                                "is not an accepted name: it must match ^[A-Za-z0-9_.-]+$ and be at most 64 characters long"),
                        new SchemaViolation("/metadata/long", "must be at most 512 characters long"),
                        new SchemaViolation("/metadata/number", "must be a string, but was an integer"));
    }

    @Test
    void moreThan32MetadataEntriesAreRejected() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("type", "t");
        ObjectNode metadata = body.putObject("metadata");
        IntStream.range(0, 33).forEach(i -> metadata.put("k" + i, "v"));

        assertThat(JsonSchemas.submission().validate(body))
                .containsExactly(new SchemaViolation("/metadata", "must have at most 32 entries"));
    }

    // ---- model serialisation ------------------------------------------------------------------------------------

    @Test
    void serialisedEnvelopeMatchesItsSchema() {
        JobEnvelope withEverything = JobEnvelope.of(aQueuedJob(Map.of("customer", "acme"), traceparent()), NOW);
        JobEnvelope minimal = JobEnvelope.of(aQueuedJob(Map.of(), null), NOW);

        assertThat(JsonSchemas.envelope().validate(json(Json.toString(withEverything))))
                .isEmpty();
        assertThat(JsonSchemas.envelope().validate(json(Json.toString(minimal))))
                .isEmpty();
    }

    @Test
    void envelopeSchemaRejectsWhatTheDecoderWouldReject() {
        ObjectNode envelope = Json.MAPPER.valueToTree(JobEnvelope.of(aQueuedJob(Map.of(), null), NOW));
        envelope.put("payload", "x");
        envelope.put("priority", 12);

        assertThat(JsonSchemas.envelope().validate(envelope))
                .extracting(SchemaViolation::pointer)
                .containsExactly("/payload", "/priority");
    }

    @Test
    void serialisedEventsOfEveryStateMatchTheirSchema() {
        Job queued = aQueuedJob(Map.of(), null);
        Job running = queued.claim("worker-1", NOW, Duration.ofSeconds(30));
        List<Job> jobs = List.of(
                queued,
                running,
                running.cancel(NOW),
                running.succeed(Json.MAPPER.getNodeFactory().textNode("done"), NOW),
                running.fail(new JobError("handler.failed", "boom"), NOW),
                running.retryAt(new JobError("timeout", "slow"), NOW, NOW.plusSeconds(5)),
                queued.cancel(NOW));

        for (Job job : jobs) {
            assertThat(JsonSchemas.event().validate(json(Json.toString(JobEvent.of(job)))))
                    .as("event of a %s job", job.state())
                    .isEmpty();
        }
    }

    @Test
    void eventWithUnknownStateIsRejected() {
        ObjectNode event = Json.MAPPER.valueToTree(JobEvent.of(aQueuedJob(Map.of(), null)));
        event.put("state", "done");

        assertThat(JsonSchemas.event().validate(event))
                .containsExactly(new SchemaViolation(
                        "/state", "must be one of scheduled, queued, running, retrying, succeeded, failed, cancelled"));
    }

    // ---- published documents ------------------------------------------------------------------------------------

    @Test
    void openApiAndAsyncApiParseAsYaml() {
        JsonNode openApi = resource(JsonSchemas.OPENAPI_RESOURCE);
        JsonNode asyncApi = resource(JsonSchemas.ASYNCAPI_RESOURCE);

        assertThat(openApi.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(openApi.path("paths").has("/v1/jobs/{id}/result")).isTrue();
        assertThat(asyncApi.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(asyncApi.path("channels").path("jobQueue").path("address").asText())
                .isEqualTo("offload.jobs.{queue}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "openapi.yaml",
                "asyncapi.yaml",
                "json/job-submission.schema.json",
                "json/job-document.schema.json",
                "json/job-list.schema.json",
                "json/problem.schema.json",
                "json/queue-envelope.schema.json",
                "json/job-event.schema.json",
                "json/webhook-event.schema.json"
            })
    void everyRefResolves(String file) {
        List<String> unresolved = new ArrayList<>();
        Map<String, JsonNode> documents = new HashMap<>();
        URI base = URI.create("offload:/" + JsonSchemas.RESOURCE_ROOT + file);

        List<String> refs = refs(resource(JsonSchemas.RESOURCE_ROOT + file));
        for (String ref : refs) {
            URI target = base.resolve(ref);
            String path = target.getPath().substring(1);
            JsonNode document = documents.computeIfAbsent(path, JsonSchemasTest::resourceOrMissing);
            String fragment = target.getFragment() == null ? "" : target.getFragment();
            if (document.isMissingNode() || document.at(fragment).isMissingNode()) {
                unresolved.add(ref);
            }
        }

        assertThat(refs).isNotEmpty();
        assertThat(unresolved).as("$refs in %s that do not resolve", file).isEmpty();
    }

    @Test
    void jobDocumentExamplesInOpenApiMatchTheSchema() {
        JsonNode examples =
                resource(JsonSchemas.OPENAPI_RESOURCE).path("components").path("examples");

        examples.fieldNames().forEachRemaining(name -> {
            if (name.endsWith("Job")) {
                assertThat(JsonSchemas.jobDocument().validate(examples.get(name).get("value")))
                        .as(name)
                        .isEmpty();
            }
        });
        assertThat(JsonSchemas.problem()
                        .validate(examples.get("ValidationFailed").get("value")))
                .isEmpty();
    }

    @Test
    void jobDocumentRejectsNullForAbsentFieldsAndUnknownStates() {
        ObjectNode document = (ObjectNode) resource(JsonSchemas.OPENAPI_RESOURCE)
                .at("/components/examples/QueuedJob/value")
                .deepCopy();
        document.putNull("startedAt");
        document.put("state", "done");

        assertThat(JsonSchemas.jobDocument().validate(document))
                .extracting(SchemaViolation::pointer)
                .containsExactly("/startedAt", "/state");
    }

    @Test
    void finishedJobDocumentWithoutFinishedAtIsRejected() {
        ObjectNode document = (ObjectNode) resource(JsonSchemas.OPENAPI_RESOURCE)
                .at("/components/examples/SucceededJob/value")
                .deepCopy();
        document.remove("finishedAt");

        assertThat(JsonSchemas.jobDocument().validate(document))
                .containsExactly(new SchemaViolation("/finishedAt", "is required"));
    }

    @Test
    void schemaInsideOpenApiResolvesItsReferences() {
        SchemaValidator problem409 =
                JsonSchemas.forResource(JsonSchemas.OPENAPI_RESOURCE, "/components/schemas/JobNotSucceededProblem");
        JsonNode failedJob = resource(JsonSchemas.OPENAPI_RESOURCE).at("/components/examples/FailedJob/value");
        ObjectNode body = Json.MAPPER
                .createObjectNode()
                .put("type", "https://offload.dev/problems/job-not-succeeded")
                .put("title", "The job did not succeed")
                .put("status", 409)
                .put("detail", "the job failed")
                .put("requestId", "r-1");

        assertThat(problem409.validate(body)).containsExactly(new SchemaViolation("/job", "is required"));
        body.set("job", failedJob);
        assertThat(problem409.validate(body)).isEmpty();
    }

    @Test
    void unknownResourceOrPointerFailsToLoad() {
        assertThatThrownBy(() -> JsonSchemas.forResource("offload-schemas/nope.json", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.json");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Job aQueuedJob(Map<String, String> metadata, String traceparent) {
        JobSpec spec = new JobSpec(
                "report.generate",
                "reports",
                3,
                Json.MAPPER.createObjectNode().put("reportId", 42),
                metadata,
                null,
                traceparent,
                3,
                Duration.ofMinutes(10),
                Duration.ofDays(7),
                null,
                null);
        return Job.queued(JobId.next(NOW), "acme", spec, NOW, Duration.ofSeconds(5));
    }

    private static String traceparent() {
        return "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode resource(String path) {
        JsonNode node = resourceOrMissing(path);
        assertThat(node.isMissingNode())
                .as("classpath resource %s exists", path)
                .isFalse();
        return node;
    }

    private static JsonNode resourceOrMissing(String path) {
        try (InputStream in = JsonSchemasTest.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? MissingNode.getInstance() : YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static List<String> refs(JsonNode node) {
        List<String> refs = new ArrayList<>();
        collectRefs(node, refs);
        return refs;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, refs));
        }
    }
}
