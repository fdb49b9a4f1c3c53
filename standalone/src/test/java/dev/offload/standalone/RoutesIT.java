package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Configured routes in front of real upstream HTTP servers started by the test, through a real gateway and worker
 * over Redis and Kafka: sync proxying (connection reuse, header rules, failover, circuit breaker) and async capture
 * with byte-for-byte replay of the upstream's answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesIT {
    private static final int POOL_SIZE = 4;

    private final Upstream reports = new Upstream();
    private final Upstream users = new Upstream();
    private final Upstream flaky = new Upstream();
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() throws IOException {
        int deadPort = freePort();
        cluster = new TestCluster(v -> {
            v.putAll(Map.of(
                    "routes.reports.path", "/api/reports/**",
                    "routes.reports.mode", "async",
                    "routes.reports.upstreams", reports.url(),
                    "routes.reports.asyncTimeout", "10s",
                    "routes.reports.stripHeaders", "X-Internal"));
            v.putAll(Map.of(
                    "routes.users.path", "/api/users/{id}",
                    "routes.users.upstreams", "http://127.0.0.1:" + deadPort + "," + users.url(),
                    "routes.users.poolSize", Integer.toString(POOL_SIZE),
                    "routes.users.stripHeaders", "X-Internal",
                    "routes.users.breaker.minimumCalls", "1000"));
            v.putAll(Map.of(
                    "routes.flaky.path", "/api/flaky/**",
                    "routes.flaky.upstreams", flaky.url(),
                    "routes.flaky.auth", "false",
                    "routes.flaky.breaker.window", "4",
                    "routes.flaky.breaker.minimumCalls", "4",
                    "routes.flaky.breaker.failureRate", "50",
                    "routes.flaky.breaker.openFor", "1s",
                    "routes.flaky.breaker.halfOpenCalls", "2"));
            return v;
        });
        api = cluster.startGateway();
        cluster.startWorker();
    }

    @BeforeEach
    void reset() {
        for (Upstream upstream : List.of(reports, users, flaky)) {
            upstream.status.set(200);
            upstream.failNext.set(0);
            upstream.received.clear();
        }
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
        reports.close();
        users.close();
        flaky.close();
    }

    @Test
    void asyncRouteReplaysTheRequestAndTheAnswerByteForByte() {
        byte[] sent = randomBytes(70_000);
        byte[] answer = randomBytes(50_000);
        reports.answer = answer;
        reports.status.set(201);

        ApiClient.Response accepted = api.route(
                "PUT",
                "/api/reports/2026/q3?format=pdf&lang=en%20GB",
                sent,
                "application/octet-stream",
                "X-Report-Owner",
                "alice",
                "X-Internal",
                "secret",
                "Keep-Alive",
                "timeout=5");

        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location").orElseThrow();
        JsonNode done = api.awaitSucceeded(location);
        assertThat(done.path("type").asText()).isEqualTo("http");
        Upstream.Received received = reports.last();
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.path()).isEqualTo("/api/reports/2026/q3");
        assertThat(received.query()).isEqualTo("format=pdf&lang=en%20GB");
        assertThat(received.body()).isEqualTo(sent);
        assertThat(received.headers().get("X-Report-Owner")).isEqualTo("alice");
        assertThat(received.headers().get("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(received.headers().contains("X-Internal")).isFalse();
        assertThat(received.headers().contains("Keep-Alive")).isFalse();
        assertThat(received.headers().contains("Authorization")).isFalse();
        assertThat(received.headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        ApiClient.Response result = api.route("GET", location + "/result", null, null);
        assertThat(result.status()).isEqualTo(201);
        assertThat(result.bytes()).isEqualTo(answer);
        assertThat(result.header("X-Upstream")).contains("yes");
        assertThat(result.header("Content-Type")).contains("application/octet-stream");
        assertThat(result.header("Keep-Alive")).isEmpty();
        assertThat(result.header("Proxy-Authenticate")).isEmpty();
    }

    @Test
    void nonRetryableUpstreamErrorIsTheResultNotAFailure() {
        reports.status.set(404);
        reports.answer = "no such report".getBytes();

        ApiClient.Response accepted = api.route("GET", "/api/reports/missing", null, null);

        JsonNode done = api.awaitSucceeded(accepted.header("Location").orElseThrow());
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        ApiClient.Response result = api.route("GET", accepted.header("Location").orElseThrow() + "/result", null, null);
        assertThat(result.status()).isEqualTo(404);
        assertThat(new String(result.bytes())).isEqualTo("no such report");
    }

    @Test
    void retryableUpstreamAnswerIsRetriedUntilTheUpstreamRecovers() {
        reports.failNext.set(1);
        reports.answer = "done".getBytes();

        ApiClient.Response accepted = api.route("POST", "/api/reports/retry", "x".getBytes(), "text/plain");

        JsonNode done = api.awaitSucceeded(accepted.header("Location").orElseThrow());
        assertThat(done.path("attempts").asInt()).isEqualTo(2);
        assertThat(reports.received).hasSize(2);
        ApiClient.Response result = api.route("GET", accepted.header("Location").orElseThrow() + "/result", null, null);
        assertThat(result.status()).isEqualTo(200);
        assertThat(new String(result.bytes())).isEqualTo("done");
    }

    @Test
    void preferRespondAsyncTurnsASyncRouteCallIntoAJob() {
        ApiClient.Response accepted = api.route("GET", "/api/users/7", null, null, "Prefer", "respond-async");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Preference-Applied")).contains("respond-async");
        api.awaitSucceeded(accepted.header("Location").orElseThrow());
        ApiClient.Response result = api.route("GET", accepted.header("Location").orElseThrow() + "/result", null, null);
        assertThat(result.status()).isEqualTo(200);
        assertThat(users.last().path()).isEqualTo("/api/users/7");
        assertThat(users.last().headers().contains("Prefer")).isFalse();
    }

    @Test
    void syncProxyStripsHopByHopAndConfiguredHeadersAndAddsForwardingHeaders() {
        ApiClient.Response response = api.route(
                "POST",
                "/api/users/42?x=1",
                "{\"name\":\"bob\"}".getBytes(),
                "application/json",
                "X-Internal",
                "secret",
                "Keep-Alive",
                "timeout=5",
                "TE",
                "trailers",
                "Proxy-Authorization",
                "Basic Zm9vOmJhcg==",
                "X-Forwarded-For",
                "203.0.113.9",
                "X-Kept",
                "kept");

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.bytes())).isEqualTo("hello from upstream");
        assertThat(response.header("X-Upstream")).contains("yes");
        assertThat(response.header("Keep-Alive")).isEmpty();
        assertThat(response.header("Proxy-Authenticate")).isEmpty();
        Upstream.Received received = users.last();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/api/users/42");
        assertThat(received.query()).isEqualTo("x=1");
        assertThat(new String(received.body())).isEqualTo("{\"name\":\"bob\"}");
        assertThat(received.headers().get("X-Kept")).isEqualTo("kept");
        for (String stripped : List.of("X-Internal", "TE", "Proxy-Authorization", "Authorization")) {
            assertThat(received.headers().contains(stripped)).as(stripped).isFalse();
        }
        assertThat(received.headers().get("Keep-Alive")).isNull();
        assertThat(received.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(received.headers().get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(received.headers().get("X-Forwarded-Host")).startsWith("127.0.0.1:");
        assertThat(received.headers().get("Forwarded")).startsWith("for=127.0.0.1;proto=http;host=");
    }

    @Test
    void syncProxyFailsOverToTheSecondUpstreamWhenTheFirstIsDown() {
        for (int i = 0; i < 6; i++) {
            ApiClient.Response response = api.route("GET", "/api/users/" + i, null, null);

            assertThat(response.status()).as("call %d", i).isEqualTo(200);
        }
        assertThat(users.received).hasSize(6);
    }

    @Test
    void syncProxyReusesPooledConnections() throws Exception {
        int before = users.connections.get();
        List<Future<Integer>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 1000; i++) {
                int n = i;
                calls.add(clients.submit(
                        () -> api.route("GET", "/api/users/" + n, null, null).status()));
            }
            for (Future<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(200);
            }
        }

        assertThat(users.received).hasSize(1000);
        assertThat(users.connections.get() - before).isLessThanOrEqualTo(POOL_SIZE);
    }

    @Test
    void breakerOpensAfterFailuresAnswersWithoutTheUpstreamThenHalfOpensAndCloses() {
        flaky.status.set(500);
        for (int i = 0; i < 4; i++) {
            assertThat(api.route("GET", "/api/flaky/x", null, null).status()).isEqualTo(500);
        }

        ApiClient.Response refused = api.route("GET", "/api/flaky/x", null, null);

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(refused.json().path("type").asText()).endsWith("/upstream-unavailable");
        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(flaky.received).hasSize(4);

        flaky.status.set(200);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.route("GET", "/api/flaky/x", null, null).status() == 200);
        assertThat(api.route("GET", "/api/flaky/x", null, null).status()).isEqualTo(200);
        int calls = flaky.received.size();
        for (int i = 0; i < 5; i++) {
            assertThat(api.route("GET", "/api/flaky/x", null, null).status()).isEqualTo(200);
        }
        assertThat(flaky.received).hasSize(calls + 5);
    }

    @Test
    void unknownPathUnderRoutesIs404AndTheJobApiStillWorks() {
        assertThat(api.route("GET", "/api/nothing-here", null, null).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs").status()).isEqualTo(200);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
