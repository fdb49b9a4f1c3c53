package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offload.gateway.JobDefaults;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.jobs.SubmissionReader.Submission;
import dev.offload.model.JobSpec;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionReaderTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final JobDefaults DEFAULTS = new JobDefaults(
            Set.of("demo.echo", "report.generate"),
            Set.of("default", "reports"),
            Duration.ofMinutes(5),
            3,
            Duration.ofDays(7),
            Duration.ofHours(24),
            Duration.ofSeconds(30),
            Set.of());

    private final SubmissionReader reader = new SubmissionReader(DEFAULTS, url -> {});

    private Submission read(String body) {
        return reader.read(Buffer.buffer(body), TRACEPARENT, "order-42", "fingerprint", NOW);
    }

    private ApiException rejectionOf(String body) {
        return catchThrowableOfType(ApiException.class, () -> read(body));
    }

    @Test
    void minimalSubmissionGetsTheConfiguredDefaults() {
        JobSpec spec = read("{\"type\": \"demo.echo\"}").spec();

        assertThat(spec.type()).isEqualTo("demo.echo");
        assertThat(spec.queue()).isEqualTo("default");
        assertThat(spec.priority()).isZero();
        assertThat(spec.payload().isNull()).isTrue();
        assertThat(spec.metadata()).isEmpty();
        assertThat(spec.callbackUrl()).isNull();
        assertThat(spec.maxAttempts()).isEqualTo(3);
        assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void httpJobsCannotBeSubmittedDirectly() {
        ApiException rejected = rejectionOf("{\"type\": \"http\", \"payload\": {}}");

        assertThat(rejected.code()).isEqualTo(ErrorCode.UNKNOWN_JOB_TYPE);
        assertThat(rejected.getMessage()).contains("reserved for requests captured by offload routes");
    }

    @Test
    void submissionCarriesTheRequestContext() {
        JobSpec spec = read("{\"type\": \"demo.echo\"}").spec();

        assertThat(spec.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(spec.idempotencyKey()).isEqualTo("order-42");
        assertThat(spec.fingerprint()).isEqualTo("fingerprint");
    }

    @Test
    void fullSubmissionOverridesTheDefaults() {
        JobSpec spec = read("""
                        {"type": "report.generate", "payload": {"reportId": 42}, "queue": "reports",
                         "priority": 5, "timeoutSeconds": 600, "maxAttempts": 7, "resultTtlSeconds": 3600,
                         "callbackUrl": "https://client.example.com/hooks/offload", "metadata": {"customer": "acme"}}
                        """).spec();

        assertThat(spec.type()).isEqualTo("report.generate");
        assertThat(spec.queue()).isEqualTo("reports");
        assertThat(spec.priority()).isEqualTo(5);
        assertThat(spec.payload().get("reportId").asInt()).isEqualTo(42);
        assertThat(spec.metadata()).isEqualTo(Map.of("customer", "acme"));
        assertThat(spec.callbackUrl()).isEqualTo("https://client.example.com/hooks/offload");
        assertThat(spec.maxAttempts()).isEqualTo(7);
        assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(spec.retention()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void submissionWithoutDelayRunsNow() {
        assertThat(read("{\"type\": \"demo.echo\"}").runAt()).isNull();
    }

    @Test
    void schemaViolationsAreReportedWithTheirBodyPointers() {
        ApiException e = rejectionOf("{\"type\": \"demo.echo\", \"priority\": 10, \"colour\": \"red\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.errors()).allSatisfy(error -> assertThat(error.in()).isEqualTo("pointer"));
        assertThat(e.errors())
                .extracting(ApiException.FieldError::name)
                .containsExactlyInAnyOrder("/priority", "/colour");
    }

    @Test
    void missingTypeIsASchemaViolation() {
        ApiException e = rejectionOf("{\"queue\": \"reports\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.errors()).isNotEmpty();
    }

    @Test
    void delaySecondsAndRunAtTogetherAreASchemaViolation() {
        ApiException e =
                rejectionOf("{\"type\": \"demo.echo\", \"delaySeconds\": 5, \"runAt\": \"2030-01-01T00:00:00Z\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void unknownJobTypeIsRejectedListingTheKnownTypes() {
        ApiException e = rejectionOf("{\"type\": \"demo.sleep\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_JOB_TYPE);
        assertThat(e.getMessage()).contains("'demo.sleep'").contains("demo.echo, report.generate");
    }

    @Test
    void unknownQueueIsAValidationErrorAtQueueListingTheExistingQueues() {
        ApiException e = rejectionOf("{\"type\": \"demo.echo\", \"queue\": \"emails\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.in()).isEqualTo("pointer");
            assertThat(error.name()).isEqualTo("/queue");
            assertThat(error.message()).contains("'emails'").contains("default, reports");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"demo.echo\"", "42", "null", "{\"type\": ", "{'type': 'demo.echo'}"})
    void bodyThatIsNotAJsonObjectIsMalformedJson(String body) {
        assertThat(rejectionOf(body).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void missingBodyIsMalformedJson() {
        ApiException e = catchThrowableOfType(
                ApiException.class, () -> reader.read(null, TRACEPARENT, null, "fingerprint", NOW));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void delaySecondsRunsTheJobThatMuchLater() {
        assertThat(read("{\"type\": \"demo.echo\", \"delaySeconds\": 90}").runAt())
                .isEqualTo(NOW.plusSeconds(90));
    }

    @Test
    void zeroDelayRunsNow() {
        assertThat(read("{\"type\": \"demo.echo\", \"delaySeconds\": 0}").runAt())
                .isNull();
    }

    @Test
    void runAtInTheFutureIsKept() {
        assertThat(read("{\"type\": \"demo.echo\", \"runAt\": \"2025-03-01T11:00:00Z\"}")
                        .runAt())
                .isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
    }

    @Test
    void runAtWithAnOffsetIsConvertedToAnInstant() {
        assertThat(read("{\"type\": \"demo.echo\", \"runAt\": \"2025-03-01T12:00:00+01:00\"}")
                        .runAt())
                .isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-01T10:00:00Z", "2025-03-01T09:59:59Z", "2000-01-01T00:00:00Z"})
    void runAtNowOrInThePastRunsNow(String runAt) {
        assertThat(read("{\"type\": \"demo.echo\", \"runAt\": \"" + runAt + "\"}")
                        .runAt())
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-01t11:00:00z", "2025-03-01T11:00:00.5Z", "2025-03-01T11:00:00.123456789Z"})
    void runAtWithLowerCaseLettersOrFractionalSecondsIsRead(String runAt) {
        assertThat(read("{\"type\": \"demo.echo\", \"runAt\": \"" + runAt + "\"}")
                        .runAt())
                .isAfter(NOW);
    }

    @Test
    void runAtThatIsNotADateTimeIsASchemaViolation() {
        ApiException e = rejectionOf("{\"type\": \"demo.echo\", \"runAt\": \"tomorrow\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.errors()).extracting(ApiException.FieldError::name).containsExactly("/runAt");
    }
}
