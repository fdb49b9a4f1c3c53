package dev.offload.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.CacheStore;
import dev.offload.store.CacheStores;
import dev.offload.store.RedisStoreConfig;
import dev.offload.testing.RedisFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The response cache between a real Vert.x HTTP client and a real upstream Vert.x HTTP server, stored in the real
 * Redis ({@link RedisFixture}). Each test fetches through {@link ResponseCache#serve} as the proxy does, with its own
 * cache name, so entries of different tests never meet. Time moves with a test clock (Redis keeps stale entries for
 * {@code staleRetention}, an hour here), so freshness is tested without waiting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseCacheIT {
    private static final String PREFIX =
            "offload-test-rcache-" + UUID.randomUUID().toString().substring(0, 8);
    private static final long MAX_BODY = 1024;
    private static final CacheConfig CONFIG = new CacheConfig(MAX_BODY, Duration.ofHours(1), 100, null, Duration.ZERO);

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, AtomicInteger> upstreamCalls = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<MultiMap>> upstreamRequests = new ConcurrentHashMap<>();
    private final TestClock clock = new TestClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HttpServer upstream;
    private HttpClient client;
    private AsyncCacheStore store;
    private ResponseCache cache;
    private String cacheName;
    private Duration readDelay = Duration.ZERO;

    @BeforeAll
    void start() throws Exception {
        upstream = await(vertx.createHttpServer().requestHandler(this::upstream).listen(0, "127.0.0.1"));
        client = vertx.createHttpClient(
                new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(upstream.actualPort()),
                new PoolOptions().setHttp1MaxSize(200));
        store = new AsyncCacheStore(vertx, CacheStores.redis(redis(RedisFixture.uri())), 1000);
        cache = new ResponseCache(vertx, store, CONFIG, new CacheMetrics(meters), clock);
    }

    @AfterAll
    void stop() throws Exception {
        store.close();
        await(vertx.close());
        RedisFixture.deleteKeys(PREFIX);
    }

    @BeforeEach
    void newCache() {
        readDelay = Duration.ZERO;
        cacheName = "route-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RedisStoreConfig redis(String uri) {
        return new RedisStoreConfig(URI.create(uri), 32, Duration.ofMillis(500), PREFIX);
    }

    // ---- the upstream --------------------------------------------------------------------------------------------

    private void upstream(HttpServerRequest request) {
        String path = request.path();
        upstreamCalls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        upstreamRequests
                .computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>())
                .add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
        var response = request.response();
        switch (path) {
            case "/fresh" ->
                response.putHeader("Cache-Control", "max-age=60")
                        .putHeader("ETag", "\"f1\"")
                        .end("fresh body");
            case "/revalidated" -> {
                response.putHeader("Cache-Control", "max-age=10").putHeader("ETag", "\"r1\"");
                if ("\"r1\"".equals(request.getHeader("If-None-Match"))) {
                    response.setStatusCode(304).end();
                } else {
                    response.end("revalidated body");
                }
            }
            case "/changed" ->
                response.putHeader("Cache-Control", "max-age=10")
                        .putHeader("ETag", "\"c" + upstreamCalls.get(path).get() + "\"")
                        .end("version " + upstreamCalls.get(path).get());
            case "/last-modified" -> {
                String lastModified = "Wed, 21 Oct 2015 07:28:00 GMT";
                response.putHeader("Cache-Control", "max-age=10").putHeader("Last-Modified", lastModified);
                if (lastModified.equals(request.getHeader("If-Modified-Since"))) {
                    response.setStatusCode(304).end();
                } else {
                    response.end("dated body");
                }
            }
            case "/no-store" -> response.putHeader("Cache-Control", "no-store").end("secret");
            case "/private" ->
                response.putHeader("Cache-Control", "private, max-age=60").end("mine");
            case "/vary" ->
                response.putHeader("Cache-Control", "max-age=60")
                        .putHeader("Vary", "Accept-Language")
                        .end("lang:" + request.getHeader("Accept-Language"));
            case "/no-freshness" -> response.end("no cache headers");
            case "/large" -> response.putHeader("Cache-Control", "max-age=60").end(Buffer.buffer(bytes(3000)));
            case "/large-chunked" -> {
                response.setChunked(true).putHeader("Cache-Control", "max-age=60");
                byte[] body = bytes(3000);
                for (int i = 0; i < body.length; i += 500) {
                    response.write(Buffer.buffer(body).getBuffer(i, i + 500));
                }
                response.end();
            }
            case "/binary" -> response.putHeader("Cache-Control", "max-age=60").end(Buffer.buffer(bytes(256)));
            case "/slow-no-store" ->
                vertx.setTimer(
                        300,
                        t -> response.putHeader("Cache-Control", "no-store").end("secret"));
            case "/slow" ->
                vertx.setTimer(
                        300,
                        t -> response.putHeader("Cache-Control", "max-age=60").end("slow body"));
            case "/flaky" -> {
                if (upstreamCalls.get(path).get() == 1) {
                    vertx.setTimer(300, t -> request.connection().close());
                } else {
                    response.putHeader("Cache-Control", "max-age=60").end("recovered");
                }
            }
            default -> response.setStatusCode(404).end();
        }
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private int calls(String path) {
        return upstreamCalls.getOrDefault(path, new AtomicInteger()).get();
    }

    // ---- fetching through the cache, as the proxy does -------------------------------------------------------

    private record Received(int status, MultiMap headers, byte[] body, CacheStatus cacheStatus) {
        String text() {
            return new String(body);
        }
    }

    private Received get(String path, String... headers) {
        return await(serve(HttpMethod.GET, path, Duration.ZERO, headers));
    }

    private Future<Received> serve(HttpMethod method, String path, Duration routeTtl, String... headerPairs) {
        return serve(cache, method, path, routeTtl, headerPairs);
    }

    private Future<Received> serve(
            ResponseCache via, HttpMethod method, String path, Duration routeTtl, String... headerPairs) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1]);
        }
        CacheRequest request = new CacheRequest(cacheName, method, path, headers, routeTtl);
        Context context = vertx.getOrCreateContext();
        Promise<Received> received = Promise.promise();
        context.runOnContext(v -> via.serve(
                        request,
                        revalidation -> client.request(method, path)
                                .compose(upstreamRequest -> {
                                    upstreamRequest.headers().addAll(headers);
                                    revalidation.applyTo(upstreamRequest.headers());
                                    return upstreamRequest.send();
                                })
                                .map(response ->
                                        new UpstreamResponse(response.statusCode(), response.headers(), response)))
                .compose(this::collectAfterReadDelay)
                .onComplete(received));
        return received.future();
    }

    /** As a proxy that takes an asynchronous step (e.g. a store call) before it writes the response would. */
    private Future<Received> collectAfterReadDelay(CachedResponse response) {
        if (readDelay.isZero()) {
            return collect(response);
        }
        Promise<Void> waited = Promise.promise();
        vertx.setTimer(readDelay.toMillis(), id -> waited.complete());
        return waited.future().compose(ignored -> collect(response));
    }

    /** Reads the whole response the proxy would send: the body, then whatever the rest stream delivers. */
    private static Future<Received> collect(CachedResponse response) {
        Buffer all = Buffer.buffer().appendBuffer(response.body());
        if (!response.streamed()) {
            return Future.succeededFuture(toReceived(response, all));
        }
        Promise<Received> done = Promise.promise();
        response.rest().handler(all::appendBuffer);
        response.rest().exceptionHandler(done::tryFail);
        response.rest().endHandler(v -> done.tryComplete(toReceived(response, all)));
        response.rest().resume();
        return done.future();
    }

    private static Received toReceived(CachedResponse response, Buffer body) {
        return new Received(response.status(), response.headers(), body.getBytes(), response.cacheStatus());
    }

    private double counted(String result) {
        var counter = meters.find("offload.cache.requests")
                .tag("cache", cacheName)
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void firstRequestIsAMissAndTheSecondAHitWithoutCallingTheUpstream() {
        int before = calls("/fresh");

        Received first = get("/fresh");
        clock.advance(Duration.ofSeconds(5));
        Received second = get("/fresh");

        assertThat(first.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(first.headers().get("X-Cache")).isEqualTo("MISS");
        assertThat(second.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(second.headers().get("X-Cache")).isEqualTo("HIT");
        assertThat(second.text()).isEqualTo("fresh body");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.headers().get("Age")).isEqualTo("5");
        assertThat(second.headers().get("ETag")).isEqualTo("\"f1\"");
        assertThat(second.headers().get("Content-Length")).isEqualTo("10");
        assertThat(calls("/fresh") - before).isEqualTo(1);
        assertThat(counted("miss")).isEqualTo(1);
        assertThat(counted("hit")).isEqualTo(1);
    }

    @Test
    void staleEntryIsRevalidatedWithItsETagAndA304RefreshesIt() {
        int before = calls("/revalidated");
        get("/revalidated");
        clock.advance(Duration.ofSeconds(11));

        Received revalidated = get("/revalidated");
        Received afterwards = get("/revalidated");

        assertThat(revalidated.cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(revalidated.headers().get("X-Cache")).isEqualTo("STALE");
        assertThat(revalidated.status()).isEqualTo(200);
        assertThat(revalidated.text()).isEqualTo("revalidated body");
        assertThat(revalidated.headers().get("Age")).isEqualTo("0");
        assertThat(upstreamRequests.get("/revalidated"))
                .extracting(h -> h.get("If-None-Match"))
                .containsSubsequence(null, "\"r1\"");
        assertThat(afterwards.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(calls("/revalidated") - before).isEqualTo(2);
        assertThat(counted("stale")).isEqualTo(1);
    }

    @Test
    void staleEntryWithOnlyLastModifiedIsRevalidatedWithIfModifiedSince() {
        get("/last-modified");
        clock.advance(Duration.ofSeconds(11));

        Received revalidated = get("/last-modified");

        assertThat(revalidated.cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(revalidated.text()).isEqualTo("dated body");
        assertThat(upstreamRequests.get("/last-modified"))
                .extracting(h -> h.get("If-Modified-Since"))
                .containsSubsequence(null, "Wed, 21 Oct 2015 07:28:00 GMT");
    }

    @Test
    void anotherGatewayOnTheSameRedisIsAnsweredFromTheEntriesThisOneStored() {
        get("/fresh");
        int before = calls("/fresh");
        CacheStore otherConnection = CacheStores.redis(redis(RedisFixture.uri()));
        try (AsyncCacheStore otherStore = new AsyncCacheStore(vertx, otherConnection, 10)) {
            ResponseCache mine = cache;
            cache = new ResponseCache(vertx, otherStore, CONFIG, new CacheMetrics(meters), clock);
            try {
                Received fromOtherGateway = get("/fresh");

                assertThat(fromOtherGateway.cacheStatus()).isEqualTo(CacheStatus.HIT);
                assertThat(fromOtherGateway.text()).isEqualTo("fresh body");
                assertThat(calls("/fresh")).isEqualTo(before);
            } finally {
                cache = mine;
            }
        }
    }

    @Test
    void staleEntryIsReplacedWhenTheUpstreamAnswersWithANewVersion() {
        Received first = get("/changed");
        clock.advance(Duration.ofSeconds(11));

        Received second = get("/changed");
        Received third = get("/changed");

        assertThat(second.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(second.text()).isNotEqualTo(first.text());
        assertThat(third.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(third.text()).isEqualTo(second.text());
    }

    @Test
    void noStoreResponseIsNeverStored() {
        int before = calls("/no-store");

        Received first = get("/no-store");
        Received second = get("/no-store");

        assertThat(first.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(second.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(second.text()).isEqualTo("secret");
        assertThat(calls("/no-store") - before).isEqualTo(2);
        assertThat(counted("bypass")).isEqualTo(2);
    }

    @Test
    void noStoreRequestBypassesTheCache() {
        get("/fresh");
        int before = calls("/fresh");

        Received bypassing = get("/fresh", "Cache-Control", "no-store");

        assertThat(bypassing.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(calls("/fresh") - before).isEqualTo(1);
    }

    @Test
    void passedThroughBodyWaitsForTheProxyToReadIt() {
        readDelay = Duration.ofMillis(300);

        Received small = get("/no-store");
        Received large = get("/large-chunked");

        assertThat(small.text()).isEqualTo("secret");
        assertThat(large.body()).isEqualTo(bytes(3000));
    }

    @Test
    void privateResponseIsNotStoredByThisSharedCache() {
        int before = calls("/private");

        get("/private");
        Received second = get("/private");

        assertThat(second.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(second.text()).isEqualTo("mine");
        assertThat(calls("/private") - before).isEqualTo(2);
    }

    @Test
    void responsesVaryByTheRequestHeadersTheirVaryNames() {
        int before = calls("/vary");

        Received en = get("/vary", "Accept-Language", "en");
        Received de = get("/vary", "Accept-Language", "de");
        Received enAgain = get("/vary", "Accept-Language", "en");
        Received deAgain = get("/vary", "Accept-Language", "de");

        assertThat(en.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(de.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(enAgain.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(enAgain.text()).isEqualTo("lang:en");
        assertThat(deAgain.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(deAgain.text()).isEqualTo("lang:de");
        assertThat(calls("/vary") - before).isEqualTo(2);
    }

    @Test
    void bodyLargerThanTheBoundPassesThroughWholeAndUncached() {
        for (String path : List.of("/large", "/large-chunked")) {
            int before = calls(path);

            Received first = get(path);
            Received second = get(path);

            assertThat(first.body()).as(path).isEqualTo(bytes(3000));
            assertThat(second.body()).as(path).isEqualTo(bytes(3000));
            assertThat(second.cacheStatus()).as(path).isEqualTo(CacheStatus.MISS);
            assertThat(calls(path) - before).as(path).isEqualTo(2);
        }
    }

    @Test
    void binaryBodyIsServedFromTheCacheByteForByte() {
        get("/binary");

        Received hit = get("/binary");

        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.body()).isEqualTo(bytes(256));
    }

    @Test
    void routeTtlAppliesWhenTheUpstreamStatesNoFreshness() {
        int before = calls("/no-freshness");

        await(serve(HttpMethod.GET, "/no-freshness", Duration.ofSeconds(30)));
        Received withTtl = await(serve(HttpMethod.GET, "/no-freshness", Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(31));
        Received expired = await(serve(HttpMethod.GET, "/no-freshness", Duration.ofSeconds(30)));
        newCache();
        get("/no-freshness");
        Received withoutTtl = get("/no-freshness");

        assertThat(withTtl.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(expired.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(withoutTtl.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(calls("/no-freshness") - before).isEqualTo(4);
    }

    @Test
    void headIsAnsweredFromTheStoredGetWithoutBody() {
        get("/fresh");
        int before = calls("/fresh");

        Received head = await(serve(HttpMethod.HEAD, "/fresh", Duration.ZERO));

        assertThat(head.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().get("Content-Length")).isEqualTo("10");
        assertThat(calls("/fresh")).isEqualTo(before);
    }

    @Test
    void clientIfNoneMatchOnAHitGets304() {
        get("/fresh");

        Received conditional = get("/fresh", "If-None-Match", "\"f1\"");

        assertThat(conditional.status()).isEqualTo(304);
        assertThat(conditional.body()).isEmpty();
        assertThat(conditional.cacheStatus()).isEqualTo(CacheStatus.HIT);
    }

    @Test
    void requestNoCacheRevalidatesAFreshEntry() {
        get("/revalidated");
        int before = calls("/revalidated");

        Received revalidated = get("/revalidated", "Cache-Control", "no-cache");

        assertThat(revalidated.cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(calls("/revalidated") - before).isEqualTo(1);
    }

    @Test
    void hundredConcurrentMissesMakeOneUpstreamCall() {
        int before = calls("/slow");
        List<Future<Received>> all = new ArrayList<>();

        for (int i = 0; i < 100; i++) {
            all.add(serve(HttpMethod.GET, "/slow", Duration.ZERO));
        }
        List<Received> received = all.stream().map(ResponseCacheIT::await).toList();

        assertThat(calls("/slow") - before).isEqualTo(1);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("slow body");
        });
        assertThat(received)
                .filteredOn(r -> r.cacheStatus() == CacheStatus.MISS)
                .hasSize(1);
        assertThat(counted("hit")).isEqualTo(99);
    }

    @Test
    void withALockConcurrentMissesOnTwoGatewaysMakeOneUpstreamCall() {
        CacheConfig locking = new CacheConfig(MAX_BODY, Duration.ofHours(1), 100, null, Duration.ofSeconds(10));
        try (AsyncCacheStore storeA = new AsyncCacheStore(vertx, CacheStores.redis(redis(RedisFixture.uri())), 100);
                AsyncCacheStore storeB =
                        new AsyncCacheStore(vertx, CacheStores.redis(redis(RedisFixture.uri())), 100)) {
            ResponseCache gatewayA = new ResponseCache(vertx, storeA, locking, new CacheMetrics(meters), clock);
            ResponseCache gatewayB = new ResponseCache(vertx, storeB, locking, new CacheMetrics(meters), clock);
            int before = calls("/slow");
            List<Future<Received>> all = new ArrayList<>();

            for (int i = 0; i < 50; i++) {
                all.add(serve(i % 2 == 0 ? gatewayA : gatewayB, HttpMethod.GET, "/slow", Duration.ZERO));
            }
            List<Received> received = all.stream().map(ResponseCacheIT::await).toList();

            assertThat(calls("/slow") - before).isEqualTo(1);
            assertThat(received).allSatisfy(r -> assertThat(r.text()).isEqualTo("slow body"));
            assertThat(received)
                    .filteredOn(r -> r.cacheStatus() == CacheStatus.MISS)
                    .hasSize(1);
        }
    }

    @Test
    void withALockAnUnstorableResponseReleasesTheOtherGatewayToFetchItself() {
        CacheConfig locking = new CacheConfig(MAX_BODY, Duration.ofHours(1), 100, null, Duration.ofSeconds(10));
        try (AsyncCacheStore storeA = new AsyncCacheStore(vertx, CacheStores.redis(redis(RedisFixture.uri())), 100);
                AsyncCacheStore storeB =
                        new AsyncCacheStore(vertx, CacheStores.redis(redis(RedisFixture.uri())), 100)) {
            ResponseCache gatewayA = new ResponseCache(vertx, storeA, locking, new CacheMetrics(meters), clock);
            ResponseCache gatewayB = new ResponseCache(vertx, storeB, locking, new CacheMetrics(meters), clock);
            int before = calls("/slow-no-store");

            Future<Received> a = serve(gatewayA, HttpMethod.GET, "/slow-no-store", Duration.ZERO);
            Future<Received> b = serve(gatewayB, HttpMethod.GET, "/slow-no-store", Duration.ZERO);

            assertThat(await(a).text()).isEqualTo("secret");
            assertThat(await(b).text()).isEqualTo("secret");
            assertThat(calls("/slow-no-store") - before).isEqualTo(2);
        }
    }

    @Test
    void failedUpstreamCallFailsEveryCoalescedRequestAndTheNextRequestTriesAgain() {
        List<Future<Received>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(serve(HttpMethod.GET, "/flaky", Duration.ZERO));
        }

        List<Throwable> failures = all.stream()
                .map(f -> f.toCompletionStage()
                        .toCompletableFuture()
                        .handle((ok, failure) -> failure)
                        .join())
                .toList();
        Received next = get("/flaky");

        assertThat(failures).allSatisfy(failure -> assertThat(failure).isNotNull());
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.text()).isEqualTo("recovered");
        assertThat(calls("/flaky")).isEqualTo(2);
    }

    @Test
    void unreachableCacheStoreCostsHitsNotRequests() {
        CacheStore nowhere = CacheStores.redis(redis("redis://127.0.0.1:1"));
        try (AsyncCacheStore unreachable = new AsyncCacheStore(vertx, nowhere, 10)) {
            cache = new ResponseCache(vertx, unreachable, CONFIG, new CacheMetrics(meters), clock);

            Received first = get("/fresh");
            Received second = get("/fresh");

            assertThat(first.text()).isEqualTo("fresh body");
            assertThat(second.cacheStatus()).isEqualTo(CacheStatus.MISS);
        } finally {
            cache = new ResponseCache(vertx, store, CONFIG, new CacheMetrics(meters), clock);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("did not complete: " + e, e);
        }
    }

    /** A clock the test moves forward. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
