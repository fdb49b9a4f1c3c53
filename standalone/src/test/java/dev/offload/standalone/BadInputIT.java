package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.schema.JsonSchemas;
import dev.offload.store.JobQuery;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad requests get a 4xx problem+json that says what to fix, and change nothing. */
class BadInputIT {
    private static TestCluster cluster;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(v -> {
            v.put("gateway.maxBodySize", "2048");
            return v;
        });
        api = cluster.startGateway();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static Stream<Arguments> badSubmissions() {
        return Stream.of(
                Arguments.of("invalid JSON", "{\"type\":", "application/json", 400, "malformed-json", null),
                Arguments.of("not an object", "[1,2]", "application/json", 400, "malformed-json", null),
                Arguments.of("empty body", "", "application/json", 400, "malformed-json", null),
                Arguments.of("missing type", "{\"payload\":{}}", "application/json", 400, "validation-failed", "type"),
                Arguments.of(
                        "unknown field",
                        "{\"type\":\"demo.echo\",\"colour\":\"red\"}",
                        "application/json",
                        400,
                        "validation-failed",
                        "colour"),
                Arguments.of(
                        "priority out of range",
                        "{\"type\":\"demo.echo\",\"priority\":42}",
                        "application/json",
                        400,
                        "validation-failed",
                        "priority"),
                Arguments.of(
                        "unknown queue",
                        "{\"type\":\"demo.echo\",\"queue\":\"nope\"}",
                        "application/json",
                        400,
                        "validation-failed",
                        "queue"),
                Arguments.of(
                        "unknown job type",
                        "{\"type\":\"no.such.type\"}",
                        "application/json",
                        422,
                        "unknown-job-type",
                        null),
                Arguments.of(
                        "wrong content type",
                        "type=demo.echo",
                        "application/x-www-form-urlencoded",
                        415,
                        "unsupported-media-type",
                        null),
                Arguments.of(
                        "oversize body",
                        "{\"type\":\"demo.echo\",\"payload\":\"" + "x".repeat(4096) + "\"}",
                        "application/json",
                        413,
                        "payload-too-large",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSubmissions")
    void badSubmissionIsRefusedWithAProblemAndNothingIsStored(
            String why, String body, String contentType, int status, String slug, String field) {
        ApiClient.Response response = api.send("POST", "/v1/jobs", body, contentType);

        assertThat(response.status()).as(why).isEqualTo(status);
        assertThat(response.header("Content-Type")).contains("application/problem+json");
        assertThat(response.json().path("type").asText()).endsWith("/" + slug);
        assertThat(response.json().path("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(response.json().path("errors").toString()).contains(field);
        }
        assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(10)).jobs())
                .isEmpty();
    }

    @Test
    void malformedJobIdIsA400() {
        ApiClient.Response response = api.get("/v1/jobs/not-a-job-id");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("type").asText()).endsWith("/malformed-id");
    }

    @Test
    void unknownJobIdIsA404() {
        assertThat(api.get("/v1/jobs/01JD3V5X7Q8R9S0T1V2W3X4Y5Z").status()).isEqualTo(404);
    }

    @Test
    void missingApiKeyIsA401() {
        ApiClient.Response response = api.withKey(null).submit("{\"type\":\"demo.echo\"}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isPresent();
        assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(10)).jobs())
                .isEmpty();
    }

    @Test
    void wrongApiKeyIsA401() {
        assertThat(api.withKey("not-a-real-key-at-all").get("/v1/jobs").status())
                .isEqualTo(401);
    }

    @Test
    void badListParametersAreA400NamingTheParameter() {
        assertThat(api.get("/v1/jobs?state=sleeping")
                        .json()
                        .at("/errors/0/parameter")
                        .asText())
                .isEqualTo("state");
        assertThat(api.get("/v1/jobs?limit=0").json().at("/errors/0/parameter").asText())
                .isEqualTo("limit");
        ApiClient.Response badCursor = api.get("/v1/jobs?cursor=garbage!");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.json().at("/errors/0/parameter").asText()).isEqualTo("cursor");
    }

    @Test
    void badWaitParameterIsA400() {
        ApiClient.Response response = api.get("/v1/jobs/01JD3V5X7Q8R9S0T1V2W3X4Y5Z?wait=soon");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().at("/errors/0/parameter").asText()).isEqualTo("wait");
    }

    @Test
    void badPreferWaitIsA400NamingTheHeader() {
        ApiClient.Response response = api.submit("{\"type\":\"demo.echo\",\"payload\":{}}", "Prefer", "wait=later");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().at("/errors/0/header").asText()).isEqualTo("Prefer");
    }

    @Test
    void unknownRouteIsAProblem404() {
        ApiClient.Response response = api.getUndeclared("/v2/nothing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).contains("application/problem+json");
        assertThat(JsonSchemas.problem().validate(response.json())).isEmpty();
    }
}
