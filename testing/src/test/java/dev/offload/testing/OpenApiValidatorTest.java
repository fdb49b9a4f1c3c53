package dev.offload.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenApiValidatorTest {
    private static final String ID = "01JQ3Z5X8K2M4N6P8R0S2T4V6W";
    private static final String QUEUED_JOB = """
            {"id": "%s", "type": "report.generate", "queue": "reports", "state": "%s", "priority": 5,
             "createdAt": "2025-03-01T10:00:00.123456789Z", "updatedAt": "2025-03-01T10:00:00.123456789Z",
             "attempts": 0, "maxAttempts": 3, "timeoutSeconds": 600, "cancelRequested": false,
             "metadata": {"customer": "acme"}, "links": {"self": "/v1/jobs/%s", "cancel": "/v1/jobs/%s"}}
            """;
    private static final String PROBLEM = """
            {"type": "https://offload.dev/problems/%s", "title": "t", "status": %d, "detail": "d",
             "requestId": "r-1"}
            """;

    private final OpenApiValidator validator = OpenApiValidator.instance();

    @Test
    void validJobDocumentPassesFor202OnSubmit() {
        assertThatCode(() -> validator.assertValidResponse(
                        "POST", "/v1/jobs", 202, "application/json; charset=utf-8", job("queued")))
                .doesNotThrowAnyException();
    }

    @Test
    void jobDocumentWithAnUnknownStateFails() {
        assertThatThrownBy(
                        () -> validator.assertValidResponse("POST", "/v1/jobs", 202, "application/json", job("done")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("POST /v1/jobs -> 202")
                .hasMessageContaining("/state: must be one of scheduled, queued");
    }

    @Test
    void undeclaredStatusFails() {
        assertThatThrownBy(() ->
                        validator.assertValidResponse("GET", "/v1/jobs/" + ID, 201, "application/json", job("queued")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status 201 is not declared for GET /v1/jobs/{id}");
    }

    @Test
    void templatedPathWithQueryStringIsMatched() {
        assertThatCode(() -> validator.assertValidResponse(
                        "GET",
                        "http://localhost:8080/v1/jobs/" + ID + "?wait=5",
                        200,
                        "application/json",
                        job("queued")))
                .doesNotThrowAnyException();
    }

    @Test
    void notModifiedSkipsTheBody() {
        assertThatCode(() -> validator.assertValidResponse("GET", "/v1/jobs/" + ID, 304, null, new byte[0]))
                .doesNotThrowAnyException();
    }

    @Test
    void undeclaredContentTypeFails() {
        assertThatThrownBy(() -> validator.assertValidResponse("POST", "/v1/jobs", 202, "text/html", job("queued")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("content type text/html is not declared");
    }

    @Test
    void problemResponsesAreValidatedAgainstTheProblemSchema() {
        assertThatCode(() -> validator.assertValidResponse(
                        "GET", "/v1/jobs/" + ID, 404, "application/problem+json", PROBLEM.formatted("not-found", 404)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.assertValidResponse(
                        "GET", "/v1/jobs/" + ID, 404, "application/problem+json", "{\"title\": \"Not Found\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/requestId: is required");
    }

    @Test
    void resultConflictMustCarryTheJob() {
        assertThatThrownBy(() -> validator.assertValidResponse(
                        "GET",
                        "/v1/jobs/" + ID + "/result",
                        409,
                        "application/problem+json",
                        PROBLEM.formatted("job-not-succeeded", 409)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/job: is required");
    }

    @Test
    void replayedResultMayHaveAnyMediaType() {
        assertThatCode(() -> validator.assertValidResponse(
                        "GET", "/v1/jobs/" + ID + "/result", 200, "text/csv", "a,b\n1,2\n"))
                .doesNotThrowAnyException();
    }

    @Test
    void methodNotAllowedOnAKnownPathIsAProblem() {
        assertThatCode(() -> validator.assertValidResponse(
                        "PUT",
                        "/v1/jobs/" + ID,
                        405,
                        "application/problem+json",
                        PROBLEM.formatted("method-not-allowed", 405)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> validator.assertValidResponse("PUT", "/v1/jobs/" + ID, 200, "application/json", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/v1/jobs/{id} declares no PUT operation");
    }

    @Test
    void undeclaredPathFails() {
        assertThatThrownBy(() -> validator.assertValidResponse("GET", "/v2/jobs", 200, "application/json", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no path of openapi.yaml matches /v2/jobs");
    }

    @Test
    void malformedJsonBodyFails() {
        assertThatThrownBy(() -> validator.assertValidResponse("POST", "/v1/jobs", 202, "application/json", "{"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the body is not JSON");
    }

    @Test
    void managementEndpointsAreDescribed() {
        assertThatCode(() -> {
                    validator.assertValidResponse(
                            "GET", "/health/live", 200, "application/json", "{\"status\":\"UP\"}");
                    validator.assertValidResponse(
                            "GET",
                            "/health/ready",
                            503,
                            "application/json",
                            "{\"status\":\"DOWN\",\"checks\":{\"store\":{\"status\":\"UP\"},"
                                    + "\"broker\":{\"status\":\"DOWN\",\"detail\":\"no broker\"}}}");
                    validator.assertValidResponse("GET", "/metrics", 200, "text/plain; version=0.0.4", "offload_x 1\n");
                })
                .doesNotThrowAnyException();
    }

    private static String job(String state) {
        return QUEUED_JOB.formatted(ID, state, ID, ID);
    }
}
