package dev.offload.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Json;
import dev.offload.testing.OpenApiValidator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/**
 * A small HTTP client for the job API in tests. Every response it receives is validated against
 * {@code schemas/openapi.yaml}, so each test also checks that the API behaves as documented.
 */
final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String base;
    private final String apiKey;

    ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:8080}, for tests that need a client of their own. */
    URI base() {
        return URI.create(base);
    }

    ApiClient withKey(String otherKey) {
        return new ApiClient(base, otherKey);
    }

    /** Polls the job at {@code location} until it succeeded (fails at once if it failed); its last document. */
    JsonNode awaitSucceeded(String location) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get(location).json(), job -> {
                    Assertions.assertThat(job.path("state").asText()).isNotEqualTo("failed");
                    return job.path("state").asText().equals("succeeded");
                });
    }

    Response submit(String json, String... headers) {
        return send("POST", "/v1/jobs", json, "application/json", headers);
    }

    /**
     * Submits {@code json}, which must be refused as a dependency outage: 503 problem+json of type
     * service-unavailable with Retry-After, answered within {@code within}; the response, for what else a test checks.
     */
    Response submitRefusedAsUnavailable(String json, Duration within) {
        long start = System.nanoTime();
        Response refused = submit(json);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Assertions.assertThat(refused.status()).isEqualTo(503);
        Assertions.assertThat(refused.json().path("type").asText()).endsWith("/service-unavailable");
        Assertions.assertThat(refused.header("Retry-After")).isPresent();
        Assertions.assertThat(took).as("the refusal's time").isLessThan(within);
        return refused;
    }

    /** Submits {@code count} {@code demo.echo} jobs (payloads 0, 1, …), each of which must get 202; their ids in order. */
    List<String> submitEchoes(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Response response = submit("{\"type\":\"demo.echo\",\"payload\":" + i + "}");
            if (response.status() != 202) {
                throw new AssertionError("echo " + i + " of " + count + " was not accepted: " + response);
            }
            ids.add(response.id());
        }
        return ids;
    }

    /** Submits a {@code demo.echo} job every half second until one gets 202 (e.g. after an outage); its id. */
    String awaitAcceptedEcho(Duration atMost) {
        return org.awaitility.Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> submit("{\"type\":\"demo.echo\"}"), response -> response.status() == 202)
                .id();
    }

    Response get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    Response delete(String path, String... headers) {
        return send("DELETE", path, null, null, headers);
    }

    /** Sends a request; {@code headers} are name, value pairs. */
    Response send(String method, String path, String body, String contentType, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(), contentType, headers);
    }

    /** A GET of a path that openapi.yaml deliberately does not declare (an unknown route); not validated. */
    Response getUndeclared(String path) {
        return exchange("GET", path, null, null, false);
    }

    /** A request to a configured route (not part of openapi.yaml): the response is not validated. */
    Response route(String method, String path, byte[] body, String contentType, String... headers) {
        return exchange(method, path, body, contentType, false, headers);
    }

    Response sendBytes(String method, String path, byte[] body, String contentType, String... headers) {
        return exchange(method, path, body, contentType, true, headers);
    }

    private Response exchange(
            String method, String path, byte[] body, String contentType, boolean validate, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(90))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response result = new Response(response);
            String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (validate) {
                OpenApiValidator.instance()
                        .assertValidResponse(
                                method,
                                pathOnly,
                                response.statusCode(),
                                result.header("Content-Type").orElse(null),
                                response.body());
            }
            return result;
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A received response with its JSON body parsed on demand. */
    static final class Response {
        private final HttpResponse<byte[]> raw;

        Response(HttpResponse<byte[]> raw) {
            this.raw = raw;
        }

        int status() {
            return raw.statusCode();
        }

        Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        byte[] bytes() {
            return raw.body();
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(raw.body()), e);
            }
        }

        String id() {
            return json().path("id").asText();
        }

        String state() {
            return json().path("state").asText();
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + new String(raw.body());
        }
    }
}
