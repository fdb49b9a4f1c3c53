package dev.offload.standalone;

import static dev.offload.standalone.TestCluster.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Async routes with {@code cache.enabled}, through a real gateway and worker over Redis and Kafka in front of a real
 * upstream: an identical GET of the same tenant is answered with the earlier request's succeeded job (200,
 * {@code X-Cache: HIT}) without calling the upstream again, whatever its forwarding headers and trace ids; another
 * query, header, body, tenant or method, {@code no-cache}, a result older than the route's {@code cache.ttl} and a
 * route without {@code cache.enabled} make a new job. Each test uses paths of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncRouteCachingIT {
    private final Upstream upstream = new Upstream();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() {
        cluster = new TestCluster(v -> {
            v.putAll(Map.of(
                    "routes.reports.path", "/reports/**",
                    "routes.reports.mode", "async",
                    "routes.reports.upstreams", upstream.url(),
                    "routes.reports.asyncTimeout", "10s",
                    "routes.reports.cache.enabled", "true"));
            v.putAll(Map.of(
                    "routes.brief.path", "/brief/**",
                    "routes.brief.mode", "async",
                    "routes.brief.upstreams", upstream.url(),
                    "routes.brief.cache.enabled", "true",
                    "routes.brief.cache.ttl", "3s"));
            v.putAll(Map.of(
                    "routes.plain.path", "/plain/**",
                    "routes.plain.mode", "async",
                    "routes.plain.upstreams", upstream.url()));
            return v;
        });
        api = cluster.startGateway(p -> p, meters);
        cluster.startWorker();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
        upstream.close();
    }

    @Test
    void identicalGetIsAnsweredWithTheSucceededJobAndTheUpstreamIsCalledOnce() {
        byte[] answer = new byte[20_000];
        new Random(20).nextBytes(answer);
        upstream.answer = answer;
        double hitsBefore = cacheRequests("hit");
        ApiClient.Response first = api.route(
                "GET",
                "/reports/q3?format=pdf",
                null,
                null,
                "X-Report-Owner",
                "alice",
                "X-Forwarded-For",
                "203.0.113.9",
                "traceparent",
                traceparent());
        String location = first.header("Location").orElseThrow();
        api.awaitSucceeded(location);

        ApiClient.Response again = api.route(
                "GET",
                "/reports/q3?format=pdf",
                null,
                null,
                "X-Report-Owner",
                "alice",
                "X-Forwarded-For",
                "198.51.100.7",
                "traceparent",
                traceparent(),
                "X-Request-Id",
                UUID.randomUUID().toString());
        ApiClient.Response result = api.route("GET", location + "/result", null, null);

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("X-Cache")).contains("MISS");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("X-Cache")).contains("HIT");
        assertThat(again.header("Location")).contains(location);
        assertThat(again.header("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(again.header("Cache-Control")).contains("private, max-age=60");
        assertThat(again.header("Vary")).contains("Prefer");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.state()).isEqualTo("succeeded");
        assertThat(again.json().path("type").asText()).isEqualTo("http");
        assertThat(upstream.received.stream().filter(r -> r.path().equals("/reports/q3")))
                .hasSize(1);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.bytes()).isEqualTo(answer);
        assertThat(result.header("X-Upstream")).contains("yes");
        assertThat(cacheRequests("hit")).isEqualTo(hitsBefore + 1);
    }

    @Test
    void anotherQueryHeaderOrBodyIsAMissAndMakesANewJob() {
        ApiClient.Response base = api.route("GET", "/reports/variants?x=1", null, null, "X-Kind", "a");
        api.awaitSucceeded(base.header("Location").orElseThrow());

        ApiClient.Response query = api.route("GET", "/reports/variants?x=2", null, null, "X-Kind", "a");
        ApiClient.Response header = api.route("GET", "/reports/variants?x=1", null, null, "X-Kind", "b");
        ApiClient.Response body =
                api.route("GET", "/reports/variants?x=1", "filter".getBytes(), "text/plain", "X-Kind", "a");
        ApiClient.Response same = api.route("GET", "/reports/variants?x=1", null, null, "X-Kind", "a");

        for (ApiClient.Response miss : new ApiClient.Response[] {query, header, body}) {
            assertThat(miss.status()).isEqualTo(202);
            assertThat(miss.header("X-Cache")).contains("MISS");
            assertThat(miss.id()).isNotEqualTo(base.id());
        }
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.id()).isEqualTo(base.id());
    }

    @Test
    void anotherTenantOrNoCacheMakesANewJob() {
        ApiClient.Response mine = api.route("GET", "/reports/tenants", null, null);
        api.awaitSucceeded(mine.header("Location").orElseThrow());
        double bypassedBefore = cacheRequests("bypass");

        ApiClient.Response theirs = api.withKey(KEY_B).route("GET", "/reports/tenants", null, null);
        ApiClient.Response noCache = api.route("GET", "/reports/tenants", null, null, "Cache-Control", "no-cache");

        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.header("X-Cache")).contains("MISS");
        assertThat(noCache.status()).isEqualTo(202);
        assertThat(noCache.header("X-Cache")).contains("MISS");
        assertThat(noCache.id()).isNotEqualTo(mine.id());
        assertThat(cacheRequests("bypass")).isEqualTo(bypassedBefore + 1);
    }

    @Test
    void postIsNeverAnsweredFromTheCache() {
        ApiClient.Response first = api.route("POST", "/reports/orders", "{}".getBytes(), "application/json");
        api.awaitSucceeded(first.header("Location").orElseThrow());

        ApiClient.Response second = api.route("POST", "/reports/orders", "{}".getBytes(), "application/json");

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("X-Cache")).isEmpty();
        assertThat(second.id()).isNotEqualTo(first.id());
        api.awaitSucceeded(second.header("Location").orElseThrow());
        assertThat(upstream.received.stream().filter(r -> r.path().equals("/reports/orders")))
                .hasSize(2);
    }

    @Test
    void routeWithoutCacheEnabledAlwaysMakesANewJob() {
        ApiClient.Response first = api.route("GET", "/plain/x", null, null);
        api.awaitSucceeded(first.header("Location").orElseThrow());

        ApiClient.Response second = api.route("GET", "/plain/x", null, null);

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("X-Cache")).isEmpty();
        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void resultOlderThanTheRoutesTtlIsAMiss() {
        ApiClient.Response first = api.route("GET", "/brief/x", null, null);
        JsonNode done = api.awaitSucceeded(first.header("Location").orElseThrow());
        Instant finished = Instant.parse(done.path("finishedAt").asText());

        ApiClient.Response young = api.route("GET", "/brief/x", null, null);
        ApiClient.Response[] old = new ApiClient.Response[1];
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    old[0] = api.route("GET", "/brief/x", null, null);
                    return old[0].status() == 202;
                });

        assertThat(young.header("X-Cache")).contains("HIT");
        assertThat(old[0].header("X-Cache")).contains("MISS");
        assertThat(Duration.between(finished, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    private double cacheRequests(String result) {
        Counter counter = meters.find("offload.cache.requests")
                .tag("cache", "reports")
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static String traceparent() {
        String trace = UUID.randomUUID().toString().replace("-", "");
        return "00-" + trace + "-" + trace.substring(0, 16) + "-01";
    }
}
