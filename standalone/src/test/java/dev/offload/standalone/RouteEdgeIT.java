package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A route's own rate limits and response cache, through a real gateway over Redis and Kafka in front of a real
 * upstream HTTP server started by the test: 429 with the RateLimit fields on sync and async routes, and cache HIT,
 * MISS, revalidation with the upstream's 304 (STALE), no-store, and 100 concurrent misses making one upstream call.
 * Each test uses paths of its own, so tests share no cache entries; TestCluster deletes the run's Redis keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteEdgeIT {
    private final CacheAwareUpstream upstream = new CacheAwareUpstream();
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() {
        cluster = new TestCluster(v -> {
            v.put(
                    "rateLimits",
                    "sync-ip.limit=3,sync-ip.window=60s,sync-ip.by=ip,"
                            + "async-key.limit=2,async-key.window=60s,async-key.by=apiKey");
            v.putAll(Map.of(
                    "routes.limited.path", "/limited/**",
                    "routes.limited.upstreams", upstream.url(),
                    "routes.limited.rateLimit", "sync-ip"));
            v.putAll(Map.of(
                    "routes.queued.path", "/queued/**",
                    "routes.queued.mode", "async",
                    "routes.queued.upstreams", upstream.url(),
                    "routes.queued.rateLimit", "async-key"));
            v.putAll(Map.of(
                    "routes.cached.path", "/cached/**",
                    "routes.cached.upstreams", upstream.url(),
                    "routes.cached.cache.enabled", "true"));
            return v;
        });
        api = cluster.startGateway();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
        upstream.close();
    }

    @Test
    void syncRouteRateLimitAnswers429WithRateLimitFieldsOnceUsedUp() {
        List<ApiClient.Response> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            responses.add(api.route("GET", "/limited/x", null, null));
        }

        assertThat(responses.subList(0, 3)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("RateLimit-Policy")).contains("\"sync-ip\";q=3;w=60");
            assertThat(r.header("RateLimit").orElseThrow()).matches("\"sync-ip\";r=[0-2];t=\\d+");
        });
        ApiClient.Response refused = responses.get(3);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(refused.json().path("type").asText()).isEqualTo("https://offload.dev/problems/quota-exceeded");
        assertThat(refused.json().path("policy").asText()).isEqualTo("sync-ip");
        assertThat(Integer.parseInt(refused.header("Retry-After").orElseThrow()))
                .isBetween(1, 20);
        assertThat(refused.header("RateLimit").orElseThrow()).matches("\"sync-ip\";r=0;t=\\d+");
        assertThat(responses.get(4).status()).isEqualTo(429);
        assertThat(upstream.calls("/limited/x")).isEqualTo(3);
    }

    @Test
    void asyncRouteRateLimitRefusesBeforeAnyJobIsQueued() {
        List<ApiClient.Response> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(api.route("POST", "/queued/report", "{}".getBytes(), "application/json"));
        }
        ApiClient.Response otherKey =
                api.withKey(TestCluster.KEY_B).route("POST", "/queued/report", "{}".getBytes(), "application/json");

        assertThat(responses.subList(0, 2)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.header("RateLimit-Policy")).contains("\"async-key\";q=2;w=60");
        });
        ApiClient.Response refused = responses.get(2);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("policy").asText()).isEqualTo("async-key");
        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(refused.header("Location")).isEmpty();
        assertThat(otherKey.status()).isEqualTo(202);
    }

    @Test
    void cachedRouteAnswersTheSecondCallFromTheCacheWithoutTheUpstream() {
        ApiClient.Response first = api.route("GET", "/cached/fresh", null, null);
        ApiClient.Response second = api.route("GET", "/cached/fresh", null, null);
        ApiClient.Response head = api.route("HEAD", "/cached/fresh", null, null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Cache")).contains("MISS");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("X-Cache")).contains("HIT");
        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(new String(second.bytes())).isEqualTo("body of /cached/fresh #1");
        assertThat(second.header("ETag")).contains("\"v1\"");
        assertThat(second.header("Age")).isPresent();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("X-Cache")).contains("HIT");
        assertThat(upstream.calls("/cached/fresh")).isEqualTo(1);
    }

    @Test
    void headMissPassesThroughWithoutBodyAndIsNotStored() {
        ApiClient.Response head = api.route("HEAD", "/cached/head-first", null, null);
        ApiClient.Response get = api.route("GET", "/cached/head-first", null, null);

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("X-Cache")).contains("MISS");
        assertThat(head.bytes()).isEmpty();
        assertThat(get.header("X-Cache")).contains("MISS");
        assertThat(new String(get.bytes())).isEqualTo("body of /cached/head-first #2");
        assertThat(upstream.calls("/cached/head-first")).isEqualTo(2);
    }

    @Test
    void staleEntryIsRevalidatedWithA304FromTheUpstream() throws InterruptedException {
        ApiClient.Response first = api.route("GET", "/cached/short", null, null);
        // max-age=1: wait until the stored response is stale.
        Thread.sleep(2_100);

        ApiClient.Response revalidated = api.route("GET", "/cached/short", null, null);

        assertThat(first.header("X-Cache")).contains("MISS");
        assertThat(revalidated.status()).isEqualTo(200);
        assertThat(revalidated.header("X-Cache")).contains("STALE");
        assertThat(revalidated.bytes()).isEqualTo(first.bytes());
        assertThat(upstream.calls("/cached/short")).isEqualTo(2);
        HttpServerRequestSnapshot conditional = upstream.last("/cached/short");
        assertThat(conditional.ifNoneMatch()).isEqualTo("\"short-1\"");
        assertThat(upstream.notModified("/cached/short")).isEqualTo(1);
    }

    @Test
    void noStoreResponsesAreNeverServedFromTheCache() {
        ApiClient.Response first = api.route("GET", "/cached/no-store", null, null);
        ApiClient.Response second = api.route("GET", "/cached/no-store", null, null);

        assertThat(first.header("X-Cache")).contains("MISS");
        assertThat(second.header("X-Cache")).contains("MISS");
        assertThat(new String(first.bytes())).isEqualTo("body of /cached/no-store #1");
        assertThat(new String(second.bytes())).isEqualTo("body of /cached/no-store #2");
        assertThat(upstream.calls("/cached/no-store")).isEqualTo(2);
    }

    @Test
    void clientNoStoreBypassesTheCache() {
        api.route("GET", "/cached/client-no-store", null, null);

        ApiClient.Response bypassed =
                api.route("GET", "/cached/client-no-store", null, null, "Cache-Control", "no-store");

        assertThat(bypassed.header("X-Cache")).contains("MISS");
        assertThat(new String(bypassed.bytes())).isEqualTo("body of /cached/client-no-store #2");
        assertThat(upstream.calls("/cached/client-no-store")).isEqualTo(2);
    }

    @Test
    void hundredConcurrentMissesMakeOneUpstreamCall() throws Exception {
        upstream.hold("/cached/slow");
        List<Future<ApiClient.Response>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(100)) {
            for (int i = 0; i < 100; i++) {
                calls.add(clients.submit(() -> api.route("GET", "/cached/slow", null, null)));
            }
            // The first call reached the upstream; give the others time to reach the gateway, then answer.
            assertThat(upstream.arrived("/cached/slow").await(30, TimeUnit.SECONDS))
                    .isTrue();
            Thread.sleep(1_000);
            upstream.release("/cached/slow");

            List<ApiClient.Response> responses = new ArrayList<>();
            for (Future<ApiClient.Response> call : calls) {
                responses.add(call.get(60, TimeUnit.SECONDS));
            }

            assertThat(responses).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(new String(r.bytes())).isEqualTo("body of /cached/slow #1");
            });
            assertThat(responses.stream()
                            .filter(r -> r.header("X-Cache").orElse("").equals("MISS")))
                    .hasSize(1);
        }
        assertThat(upstream.calls("/cached/slow")).isEqualTo(1);
    }

    /** What the upstream saw of one request. */
    record HttpServerRequestSnapshot(String path, String ifNoneMatch) {}

    /**
     * An upstream that speaks HTTP caching: {@code /cached/fresh} is fresh for a minute, {@code /cached/short} for a
     * second with an ETag it answers 304 for, {@code /cached/no-store} must not be stored, {@code /cached/slow} waits
     * until the test releases it; bodies count the calls per path.
     */
    private static final class CacheAwareUpstream implements AutoCloseable {
        private final Vertx vertx = Vertx.vertx();
        private final HttpServer server;
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> notModified = new ConcurrentHashMap<>();
        private final List<HttpServerRequestSnapshot> seen = new CopyOnWriteArrayList<>();
        private final Map<String, CountDownLatch> arrived = new ConcurrentHashMap<>();
        private final Map<String, List<HttpServerRequest>> held = new ConcurrentHashMap<>();

        CacheAwareUpstream() {
            server = vertx.createHttpServer().requestHandler(this::handle);
            TestCluster.await(server.listen(0, "127.0.0.1"));
        }

        String url() {
            return "http://127.0.0.1:" + server.actualPort();
        }

        int calls(String path) {
            return calls.getOrDefault(path, new AtomicInteger()).get();
        }

        int notModified(String path) {
            return notModified.getOrDefault(path, new AtomicInteger()).get();
        }

        HttpServerRequestSnapshot last(String path) {
            return seen.reversed().stream()
                    .filter(s -> s.path().equals(path))
                    .findFirst()
                    .orElseThrow();
        }

        void hold(String path) {
            arrived.put(path, new CountDownLatch(1));
            held.put(path, new CopyOnWriteArrayList<>());
        }

        CountDownLatch arrived(String path) {
            return arrived.get(path);
        }

        void release(String path) {
            List<HttpServerRequest> waiting = held.remove(path);
            vertx.runOnContext(v -> waiting.forEach(this::answer));
        }

        private void handle(HttpServerRequest request) {
            String path = request.path();
            calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            seen.add(new HttpServerRequestSnapshot(path, request.getHeader("If-None-Match")));
            List<HttpServerRequest> waiting = held.get(path);
            if (waiting != null) {
                waiting.add(request);
                arrived.get(path).countDown();
                return;
            }
            answer(request);
        }

        private void answer(HttpServerRequest request) {
            String path = request.path();
            var response = request.response().putHeader("Content-Type", "text/plain");
            switch (path) {
                case "/cached/short" -> {
                    response.putHeader("Cache-Control", "max-age=1").putHeader("ETag", "\"short-1\"");
                    if ("\"short-1\"".equals(request.getHeader("If-None-Match"))) {
                        notModified
                                .computeIfAbsent(path, p -> new AtomicInteger())
                                .incrementAndGet();
                        response.setStatusCode(304).end();
                        return;
                    }
                }
                case "/cached/no-store" -> response.putHeader("Cache-Control", "no-store");
                default -> response.putHeader("Cache-Control", "max-age=60").putHeader("ETag", "\"v1\"");
            }
            response.end("body of " + path + " #" + calls(path));
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
