package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The guards of sync routes, through a real gateway over Redis and Kafka in front of real upstream HTTP servers
 * started by the test: the bulkhead (exactly {@code bulkhead} calls in flight per upstream, the others refused at
 * once with 503, places given back however a call ends, also when the client aborts), the Resilience4j time limiter
 * (504 after {@code timeout}, the upstream request dropped, counted in the breaker and the metrics), and HTTP/2
 * without TLS ({@code http2}) to an upstream that speaks it: multiplexed on one connection, bodies streamed both
 * ways. Each test uses paths of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamGuardsIT {
    private static final int BULKHEAD = 3;

    private final GuardedUpstream http1 = new GuardedUpstream();
    private final GuardedUpstream h2 = new GuardedUpstream();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Vertx client = Vertx.vertx();
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() {
        cluster = new TestCluster(v -> {
            v.putAll(Map.of(
                    "routes.narrow.path", "/narrow/**",
                    "routes.narrow.upstreams", http1.url(),
                    "routes.narrow.auth", "false",
                    "routes.narrow.bulkhead", Integer.toString(BULKHEAD),
                    "routes.narrow.timeout", "60s",
                    "routes.narrow.breaker.minimumCalls", "1000"));
            v.putAll(Map.of(
                    "routes.slow.path", "/slow/**",
                    "routes.slow.upstreams", http1.url(),
                    "routes.slow.auth", "false",
                    "routes.slow.timeout", "500ms",
                    "routes.slow.breaker.minimumCalls", "1000"));
            v.putAll(Map.of(
                    "routes.multiplexed.path", "/h2/**",
                    "routes.multiplexed.upstreams", h2.url(),
                    "routes.multiplexed.auth", "false",
                    "routes.multiplexed.http2", "true",
                    // HTTP/2 connections per upstream: poolSize / 16, so one.
                    "routes.multiplexed.poolSize", "16"));
            return v;
        });
        api = cluster.startGateway(p -> p, meters);
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
        http1.close();
        h2.close();
        TestCluster.await(client.close());
    }

    @Test
    void bulkheadLetsExactlyItsLimitInAndRefusesTheOthersAtOnceUntilPlacesAreFree() throws Exception {
        http1.hold("/narrow/hold");
        http1.maxInFlight.set(0);
        int extra = 4;
        try (ExecutorService clients = Executors.newFixedThreadPool(BULKHEAD + extra)) {
            List<Future<ApiClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < BULKHEAD + extra; i++) {
                calls.add(clients.submit(() -> api.route("GET", "/narrow/hold", null, null)));
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> calls.stream().filter(Future::isDone).count() == extra);
            List<ApiClient.Response> refused = new ArrayList<>();
            for (Future<ApiClient.Response> call : calls) {
                if (call.isDone()) {
                    refused.add(call.get());
                }
            }

            assertThat(http1.arrivals("/narrow/hold")).isEqualTo(BULKHEAD);
            assertThat(http1.maxInFlight.get()).isEqualTo(BULKHEAD);
            assertThat(refused).hasSize(extra).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("Content-Type")).contains("application/problem+json");
                assertThat(r.json().path("type").asText()).endsWith("/upstream-unavailable");
                assertThat(r.json().path("detail").asText()).contains("routes.narrow.bulkhead");
                assertThat(r.header("Retry-After")).isPresent();
            });

            http1.release("/narrow/hold");
            for (Future<ApiClient.Response> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isIn(200, 503);
            }
        }
        for (int i = 0; i < BULKHEAD + 1; i++) {
            assertThat(api.route("GET", "/narrow/after", null, null).status()).isEqualTo(200);
        }
    }

    @Test
    void bulkheadPlacesComeBackWhenClientsAbortMidRequestBodyWhileWaitingOrMidResponseBody() throws Exception {
        abortAll(
                "/narrow/abort-upload",
                "POST /narrow/abort-upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 1000000\r\n" + "\r\n"
                        + "x".repeat(4096));
        abortAll("/narrow/abort-waiting", "GET /narrow/abort-waiting HTTP/1.1\r\nHost: gw\r\n\r\n");
        abortAll("/narrow/abort-download", "GET /narrow/abort-download HTTP/1.1\r\nHost: gw\r\n\r\n");

        // All places are free again: exactly the limit fits at once, and one more is refused.
        http1.hold("/narrow/after-abort");
        try (ExecutorService clients = Executors.newFixedThreadPool(BULKHEAD)) {
            List<Future<ApiClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < BULKHEAD; i++) {
                calls.add(clients.submit(() -> api.route("GET", "/narrow/after-abort", null, null)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> http1.arrivals("/narrow/after-abort") == BULKHEAD);

            ApiClient.Response oneTooMany = api.route("GET", "/narrow/one-too-many", null, null);

            assertThat(oneTooMany.status()).isEqualTo(503);
            http1.release("/narrow/after-abort");
            for (Future<ApiClient.Response> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
        assertThat(http1.arrivals("/narrow/one-too-many")).isZero();
    }

    /**
     * Fills the bulkhead with raw requests that the upstream holds ({@code /narrow/abort-download} answers with a
     * first body chunk and holds the rest), closes every client connection mid-exchange, and waits until the upstream
     * saw each of its requests dropped.
     */
    private void abortAll(String path, String request) throws Exception {
        http1.hold(path);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < BULKHEAD; i++) {
            Socket socket = new Socket("127.0.0.1", api.base().getPort());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> http1.arrivals(path) == BULKHEAD);
        if (path.endsWith("download")) {
            for (Socket socket : sockets) {
                readUntil(socket.getInputStream(), "first chunk");
            }
        }

        for (Socket socket : sockets) {
            socket.close();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> http1.dropped(path) == BULKHEAD);
        http1.release(path);
    }

    private static void readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buffer);
            assertThat(n)
                    .as("the connection ended before '%s' came: %s", marker, seen)
                    .isPositive();
            seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void timeLimiterAnswers504DropsTheUpstreamRequestAndCountsTheTimeout() {
        http1.hold("/slow/never");
        double failuresBefore = breakerCalls("failed");

        ApiClient.Response timedOut = api.route("GET", "/slow/never", null, null);

        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.header("Content-Type")).contains("application/problem+json");
        assertThat(timedOut.json().path("type").asText()).endsWith("/upstream-timeout");
        assertThat(timedOut.json().path("detail").asText()).contains("500 ms").contains("routes.slow.timeout");
        await().atMost(Duration.ofSeconds(10)).until(() -> http1.dropped("/slow/never") == 1);
        assertThat(timeLimiterCalls("timeout")).isEqualTo(1);
        assertThat(breakerCalls("failed")).isEqualTo(failuresBefore + 1);

        ApiClient.Response quick = api.route("GET", "/slow/quick", null, null);

        assertThat(quick.status()).isEqualTo(200);
        assertThat(timeLimiterCalls("successful")).isGreaterThanOrEqualTo(1);
        http1.release("/slow/never");
    }

    private double timeLimiterCalls(String kind) {
        Counter counter = meters.find("offload.time.limiter.calls")
                .tag("kind", kind)
                .tag("name", "slow " + http1.url())
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double breakerCalls(String kind) {
        var timer = meters.find("offload.circuit.breaker.calls")
                .tag("kind", kind)
                .tag("name", "slow " + http1.url())
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void http2UpstreamGetsManyConcurrentCallsMultiplexedOnOneConnection() throws Exception {
        int before = h2.connections.get();
        List<Future<ApiClient.Response>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                calls.add(clients.submit(() -> api.route("GET", "/h2/delay/" + n, null, null)));
            }
            for (Future<ApiClient.Response> call : calls) {
                ApiClient.Response response = call.get(60, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(response.bytes())).isEqualTo("HTTP_2");
            }
        }

        assertThat(h2.arrivals.values().stream().mapToInt(AtomicInteger::get).sum())
                .isGreaterThanOrEqualTo(200);
        assertThat(h2.versions).containsOnly(HttpVersion.HTTP_2);
        assertThat(h2.connections.get() - before).isLessThanOrEqualTo(1);
        assertThat(h2.maxInFlight.get())
                .as("streams in flight at once on that connection")
                .isGreaterThan(1);
    }

    @Test
    void http2UpstreamStreamsTheRequestAndResponseBodiesBothWaysAtOnce() {
        HttpClientAgent http = client.createHttpClient();
        HttpClientRequest request =
                TestCluster.await(http.request(HttpMethod.POST, api.base().getPort(), "127.0.0.1", "/h2/echo/duplex"));
        request.setChunked(true);
        Buffer received = Buffer.buffer();
        Promise<Void> firstPartEchoed = Promise.promise();
        Promise<Integer> ended = Promise.promise();
        request.response()
                .onSuccess(response -> response.handler(chunk -> {
                            received.appendBuffer(chunk);
                            if (received.toString().contains("part one;")) {
                                firstPartEchoed.tryComplete();
                            }
                        })
                        .endHandler(v -> ended.tryComplete(response.statusCode())));

        TestCluster.await(request.write("part one;"));
        // The upstream's echo of the first part came back through the gateway while the request is still open.
        TestCluster.await(firstPartEchoed.future());
        TestCluster.await(request.end("part two"));

        assertThat(TestCluster.await(ended.future())).isEqualTo(200);
        assertThat(received.toString()).isEqualTo("part one;part two");
        assertThat(h2.versions).contains(HttpVersion.HTTP_2).doesNotContain(HttpVersion.HTTP_1_1);
    }

    @Test
    void http2UpstreamEchoesALargeBodyByteForByte() {
        byte[] body = new byte[8 * 1024 * 1024];
        new Random(8).nextBytes(body);

        ApiClient.Response echoed = api.route("PUT", "/h2/echo/large", body, "application/octet-stream");

        assertThat(echoed.status()).isEqualTo(200);
        assertThat(echoed.bytes()).isEqualTo(body);
        assertThat(h2.versions).containsOnly(HttpVersion.HTTP_2);
    }

    /**
     * An upstream for the guards: counts connections, requests per path, requests in flight (and the most at once)
     * and requests dropped by the gateway before they were answered; records the HTTP version of every request.
     * Paths: held ones wait until the test releases them ({@code /narrow/abort-download} first sends a chunk of its
     * body), {@code /h2/echo/*} streams the request body back as it arrives, {@code /h2/delay/*} answers its HTTP
     * version after 20 ms, anything else answers at once. Speaks HTTP/1.1 and HTTP/2 without TLS (h2c).
     */
    private static final class GuardedUpstream implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> dropped = new ConcurrentHashMap<>();
        private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
        private final Vertx vertx = Vertx.vertx();
        private final HttpServer server;

        private record Held(HttpServerRequest request, Context context) {}

        GuardedUpstream() {
            server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                    .connectionHandler(c -> connections.incrementAndGet())
                    .requestHandler(this::handle);
            TestCluster.await(server.listen(0, "127.0.0.1"));
        }

        String url() {
            return "http://127.0.0.1:" + server.actualPort();
        }

        int arrivals(String path) {
            return arrivals.getOrDefault(path, new AtomicInteger()).get();
        }

        int dropped(String path) {
            return dropped.getOrDefault(path, new AtomicInteger()).get();
        }

        void hold(String path) {
            held.put(path, new CopyOnWriteArrayList<>());
        }

        void release(String path) {
            for (Held h : held.remove(path)) {
                h.context().runOnContext(v -> {
                    if (!h.request().response().ended()
                            && !h.request().response().closed()) {
                        h.request().response().end("released");
                    }
                });
            }
        }

        private void handle(HttpServerRequest request) {
            String path = request.path();
            versions.add(request.version());
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            AtomicBoolean over = new AtomicBoolean();
            // The response's end handler runs when it was sent and when the connection closed before that.
            Runnable finish = () -> {
                if (over.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                    if (!request.response().ended()) {
                        dropped.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    }
                }
            };
            request.response().endHandler(v -> finish.run());
            request.response().closeHandler(v -> finish.run());
            request.exceptionHandler(e -> finish.run());
            List<Held> waiting = held.get(path);
            if (waiting != null) {
                request.handler(chunk -> {});
                waiting.add(new Held(request, vertx.getOrCreateContext()));
                if (path.endsWith("download")) {
                    request.response().setChunked(true).write("first chunk");
                }
            } else if (path.startsWith("/h2/echo/")) {
                request.response().setChunked(true);
                request.handler(chunk -> request.response().write(chunk));
                request.endHandler(v -> request.response().end());
            } else if (path.startsWith("/h2/delay/")) {
                vertx.setTimer(20, t -> request.response().end(request.version().name()));
            } else {
                request.response().end("ok " + path);
            }
            // Counted last: a test that sees the arrival may act on the request's handlers at once.
            arrivals.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void close() {
            TestCluster.await(vertx.close());
        }
    }
}
