package dev.offload.gateway.cache;

import dev.offload.store.CacheStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared HTTP response cache in front of sync routes (RFC 9111, as a shared cache), stored in a
 * {@link CacheStore} (Redis: every gateway replica sees every entry).
 *
 * <p>The proxy hands each request to {@link #serve} with a {@code fetch} function that makes the upstream call; the
 * cache decides whether to answer from what it stores ({@code X-Cache: HIT}), to revalidate a stale entry with a
 * conditional request ({@code STALE} when the upstream answers 304), or to fetch ({@code MISS}) and store the
 * response if {@code Cache-Control} allows (see {@link StoragePolicy}) and its body is at most
 * {@code gateway.cache.maxBodySize}. Responses vary by the request headers their {@code Vary} names (a secondary key
 * per combination of values).
 *
 * <p><b>Coalescing</b>: concurrent misses for one key in this gateway make one upstream call; the others wait for it
 * and are answered from its stored response (as hits), or make their own call if it was not storable. Across
 * replicas, by default, there is no lock: each replica makes at most one call per key at a time, so N replicas make
 * at most N concurrent calls for a cold key, at no cost to latency. With {@code gateway.cache.lockTimeout} set, the
 * first replica to miss takes a short lock in the cache store and the others poll the store for its response: one
 * call in all, for a Redis round trip per miss and up to one poll interval of added latency for the waiters; worth
 * it for expensive upstream calls on many replicas.
 *
 * <p>The store is best effort: a cache that cannot be reached, is overloaded, or holds a value it cannot read
 * counts as empty, and the request goes to the upstream.
 *
 * <p>Thread-safe; share one instance among the verticles. {@link #serve} must be called on a Vert.x context (the
 * proxy's event loop); its future completes on that context.
 *
 * <p>How a proxy route uses it (GET/HEAD on a route with {@code cache.enabled}; other methods need not call it;
 * {@code SyncProxy} does exactly this):
 *
 * <pre>{@code
 * MultiMap forwarded = ...; // the client's headers after the route's header rules (hop-by-hop, credentials)
 * CacheRequest request = new CacheRequest(route.name(), method, pathAndQuery, forwarded, route.cache().ttl());
 * cache.serve(request, revalidation -> client.request(options).compose(upstream -> {
 *             upstream.headers().addAll(forwarded);
 *             revalidation.applyTo(upstream.headers());
 *             return upstream.send(); // with the route's timeout, breaker, ...
 *         }).map(r -> new UpstreamResponse(r.statusCode(), r.headers(), r)))
 *     .onSuccess(answer -> {
 *         HttpServerResponse out = ctx.response().setStatusCode(answer.status());
 *         out.headers().addAll(answer.headers()); // after the route's response header rules
 *         if (answer.streamed()) {
 *             out.write(answer.body());
 *             answer.rest().pipeTo(out);
 *         } else {
 *             out.end(answer.body());
 *         }
 *     })
 *     .onFailure(ctx::fail);
 * }</pre>
 */
public final class ResponseCache {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final Duration LOCK_POLL = Duration.ofMillis(50);

    private final Vertx vertx;
    private final AsyncCacheStore store;
    private final CacheConfig config;
    private final CacheMetrics metrics;
    private final Clock clock;
    /** Misses being fetched by this gateway, by key: each completes with the stored response, or empty. */
    private final Map<String, CompletableFuture<Optional<StoredResponse>>> flights = new ConcurrentHashMap<>();

    public ResponseCache(Vertx vertx, AsyncCacheStore store, CacheConfig config, CacheMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Answers {@code request} from the cache or through {@code fetch}.
     *
     * @param fetch makes the upstream call: copy the client's request headers, apply the given {@link Revalidation}
     *     to them, send, and complete with the response as soon as its head arrived (body unread). It is called at
     *     most once per {@code serve}, on the caller's context. Its failure fails the returned future (and those of
     *     requests coalesced with it); the proxy maps it to 502/503/504 as usual.
     * @return what to send to the client; see {@link CachedResponse}
     */
    public Future<CachedResponse> serve(CacheRequest request, Function<Revalidation, Future<UpstreamResponse>> fetch) {
        if (!request.mayUseCache()) {
            metrics.record(request.cacheName(), CacheMetrics.BYPASS);
            return call(fetch, Revalidation.passThrough()).map(upstream -> passed(upstream, Buffer.buffer()));
        }
        String primary = primaryKey(request);
        return lookup(primary, request).compose(found -> {
            Instant now = clock.instant();
            StoredResponse stored = found.response();
            if (stored != null && stored.isFresh(now) && !request.requiresRevalidation()) {
                metrics.record(request.cacheName(), CacheStatus.HIT);
                return Future.succeededFuture(stored.toResponse(CacheStatus.HIT, request, now));
            }
            if (request.isHead()) {
                // A HEAD response has no body to store for GETs: pass it through (a stored GET answers HEADs above).
                metrics.record(request.cacheName(), CacheStatus.MISS);
                return call(fetch, Revalidation.passThrough()).map(upstream -> passed(upstream, Buffer.buffer()));
            }
            return coalesced(found.key(), primary, request, stored, fetch);
        });
    }

    // ---- lookup ------------------------------------------------------------------------------------------------

    /** Where a request's response is (or would be) stored, and the response if one is. */
    private record Found(String key, StoredResponse response) {}

    private Future<Found> lookup(String primary, CacheRequest request) {
        return read(primary).compose(stored -> switch (stored) {
            case null -> Future.succeededFuture(new Found(primary, null));
            case StoredResponse response -> Future.succeededFuture(new Found(primary, response));
            case Stored.VaryIndex index -> {
                String secondary = secondaryKey(primary, index.names(), request);
                yield read(secondary).map(value -> new Found(secondary, value instanceof StoredResponse r ? r : null));
            }
        });
    }

    private Future<Stored> read(String key) {
        return store.get(key)
                .map(value -> value.map(Stored::decode).orElse(null))
                .otherwise(failure -> {
                    LOG.warn("response cache unavailable, treating {} as a miss: {}", key, failure.toString());
                    return null;
                });
    }

    // ---- miss and revalidation -----------------------------------------------------------------------------------

    /** A fetch's response for the client, and what it stored (for coalesced requests). */
    private record Outcome(CachedResponse response, Optional<StoredResponse> stored) {}

    private Future<CachedResponse> coalesced(
            String key,
            String primary,
            CacheRequest request,
            StoredResponse stale,
            Function<Revalidation, Future<UpstreamResponse>> fetch) {
        CompletableFuture<Optional<StoredResponse>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<StoredResponse>> flight = flights.putIfAbsent(key, mine);
        if (flight != null) {
            return Future.fromCompletionStage(flight, vertx.getOrCreateContext())
                    .compose(shared -> shared.filter(s -> s.selectedFor(request))
                            .map(s -> {
                                metrics.record(request.cacheName(), CacheStatus.HIT);
                                return Future.succeededFuture(s.toResponse(CacheStatus.HIT, request, clock.instant()));
                            })
                            .orElseGet(() -> fetchAndStore(primary, request, stale, fetch)
                                    .map(Outcome::response)));
        }
        return leaderFetch(key, primary, request, stale, fetch).transform(done -> {
            flights.remove(key, mine);
            if (done.failed()) {
                mine.completeExceptionally(done.cause());
                return Future.failedFuture(done.cause());
            }
            mine.complete(done.result().stored());
            return Future.succeededFuture(done.result().response());
        });
    }

    /**
     * This gateway's one fetch for the key. With {@code gateway.cache.lockTimeout}, it first takes the key's lock in
     * the cache store; if another gateway holds it, it waits for that gateway's response instead.
     */
    private Future<Outcome> leaderFetch(
            String key,
            String primary,
            CacheRequest request,
            StoredResponse stale,
            Function<Revalidation, Future<UpstreamResponse>> fetch) {
        Duration timeout = config.lockTimeout();
        if (timeout.isZero()) {
            return fetchAndStore(primary, request, stale, fetch);
        }
        String lock = "lock:" + key;
        return store.putIfAbsent(lock, new byte[] {1}, timeout)
                .otherwise(true) // no store, no lock: fetch as the other gateways will
                .compose(held -> held
                        // Released once the response is stored (or found unstorable), without making the client wait.
                        ? fetchAndStore(primary, request, stale, fetch).onComplete(done -> store.delete(lock))
                        : awaitOtherGateway(
                                lock, primary, request, stale, fetch, System.nanoTime() + timeout.toNanos()));
    }

    /**
     * Polls the cache for the response another gateway is fetching. The lock is read before the entry: the holder
     * stores its response before it releases the lock, so a released lock and no entry mean nothing will come.
     */
    private Future<Outcome> awaitOtherGateway(
            String lock,
            String primary,
            CacheRequest request,
            StoredResponse stale,
            Function<Revalidation, Future<UpstreamResponse>> fetch,
            long deadline) {
        return delay(LOCK_POLL)
                .compose(ignored -> store.get(lock).otherwise(Optional.empty()))
                .compose(held -> lookup(primary, request).compose(found -> {
                    Instant now = clock.instant();
                    StoredResponse response = found.response();
                    boolean renewed = response != null
                            && response.isFresh(now)
                            && (stale == null || !response.storedAt().equals(stale.storedAt()));
                    if (renewed) {
                        metrics.record(request.cacheName(), CacheStatus.HIT);
                        return Future.succeededFuture(
                                new Outcome(response.toResponse(CacheStatus.HIT, request, now), Optional.of(response)));
                    }
                    if (held.isEmpty() || System.nanoTime() - deadline > 0) {
                        return fetchAndStore(primary, request, stale, fetch);
                    }
                    return awaitOtherGateway(lock, primary, request, stale, fetch, deadline);
                }));
    }

    private Future<Void> delay(Duration duration) {
        Promise<Void> elapsed = Promise.promise();
        vertx.setTimer(duration.toMillis(), id -> elapsed.complete());
        return elapsed.future();
    }

    private Future<Outcome> fetchAndStore(
            String primary,
            CacheRequest request,
            StoredResponse stale,
            Function<Revalidation, Future<UpstreamResponse>> fetch) {
        Revalidation revalidation = stale == null ? Revalidation.full() : stale.revalidation();
        return call(fetch, revalidation).compose(upstream -> {
            if (upstream.status() == 304 && revalidation.isConditional()) {
                upstream.body().handler(null).endHandler(null).resume(); // a 304 has no body: let the stream end
                return refreshed(primary, request, stale, upstream.headers());
            }
            Optional<Duration> lifetime = StoragePolicy.lifetime(request, upstream.status(), upstream.headers());
            if (lifetime.isEmpty() || declaredLength(upstream.headers()) > config.maxBodySize()) {
                return bypassed(request, passed(upstream, Buffer.buffer()));
            }
            return BoundedBody.read(upstream.body(), config.maxBodySize()).compose(body -> {
                if (!body.complete()) {
                    return bypassed(request, passed(upstream, body.prefix()));
                }
                Instant now = clock.instant();
                StoredResponse response = StoredResponse.received(
                        request,
                        upstream.status(),
                        upstream.headers(),
                        body.prefix().getBytes(),
                        lifetime.get(),
                        now);
                metrics.record(request.cacheName(), CacheStatus.MISS);
                return save(primary, request, response)
                        .map(stored -> new Outcome(response.toResponse(CacheStatus.MISS, request, now), stored));
            });
        });
    }

    /** The stale response confirmed by a 304: refreshed, stored again, served as STALE. */
    private Future<Outcome> refreshed(
            String primary, CacheRequest request, StoredResponse stale, MultiMap notModified) {
        Instant now = clock.instant();
        MultiMap merged = stale.headerMap();
        notModified.forEach(h -> merged.remove(h.getKey()));
        merged.addAll(notModified);
        Optional<Duration> lifetime = StoragePolicy.lifetime(request, stale.status(), merged);
        StoredResponse response = stale.refreshedBy(notModified, lifetime.orElse(Duration.ZERO), now);
        metrics.record(request.cacheName(), CacheStatus.STALE);
        CachedResponse served = response.toResponse(CacheStatus.STALE, request, now);
        if (lifetime.isEmpty()) { // the 304 made it uncacheable (e.g. no-store now): serve it once, forget it
            return store.delete(key(primary, request, response))
                    .otherwise((Void) null)
                    .map(ignored -> new Outcome(served, Optional.empty()));
        }
        return save(primary, request, response).map(stored -> new Outcome(served, stored));
    }

    private Future<Outcome> bypassed(CacheRequest request, CachedResponse response) {
        metrics.record(request.cacheName(), CacheMetrics.BYPASS);
        return Future.succeededFuture(new Outcome(response, Optional.empty()));
    }

    /**
     * Stores the response (and, if it varies, the index of the headers it varies on under the primary key). Best
     * effort: a failed write is logged and the response is still served and shared with coalesced requests.
     */
    private Future<Optional<StoredResponse>> save(String primary, CacheRequest request, StoredResponse response) {
        Duration retention = StoragePolicy.retention(response, config.staleRetention());
        if (retention.isZero() || retention.isNegative()) {
            return Future.succeededFuture(Optional.of(response)); // usable by the requests waiting now, not later
        }
        List<String> varyNames = List.copyOf(response.vary().keySet());
        Future<Void> written = varyNames.isEmpty()
                ? store.put(primary, Stored.encode(response), retention)
                : store.put(primary, Stored.encode(new Stored.VaryIndex(varyNames)), retention)
                        .compose(ok -> store.put(
                                secondaryKey(primary, varyNames, request), Stored.encode(response), retention));
        return written.otherwise(failure -> {
                    LOG.warn("response cache unavailable, {} not stored: {}", primary, failure.toString());
                    return null;
                })
                .map(ignored -> Optional.of(response));
    }

    /** The proxy's fetch; one that throws instead of failing its future must not leave a flight open forever. */
    private static Future<UpstreamResponse> call(
            Function<Revalidation, Future<UpstreamResponse>> fetch, Revalidation revalidation) {
        try {
            return fetch.apply(revalidation);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** The upstream's response passed through: {@code prefix} (the bytes already read, if any), then the stream. */
    private static CachedResponse passed(UpstreamResponse upstream, Buffer prefix) {
        // Paused until the proxy pipes it: the response may take an asynchronous step before it gets there.
        upstream.body().pause();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(upstream.headers());
        headers.set("X-Cache", CacheStatus.MISS.name());
        return new CachedResponse(upstream.status(), headers, prefix, upstream.body(), CacheStatus.MISS);
    }

    private static long declaredLength(MultiMap headers) {
        String length = headers.get("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- keys ----------------------------------------------------------------------------------------------------

    private static String key(String primary, CacheRequest request, StoredResponse response) {
        return response.vary().isEmpty()
                ? primary
                : secondaryKey(primary, List.copyOf(response.vary().keySet()), request);
    }

    /** {@code http:<digest of cache name and target>}: fixed length, whatever the URL. */
    static String primaryKey(CacheRequest request) {
        return "http:" + digest(request.cacheName() + '\u0000' + request.target());
    }

    /** The primary key and a digest of the request's values of the headers the responses vary on. */
    static String secondaryKey(String primary, List<String> varyNames, CacheRequest request) {
        StringBuilder values = new StringBuilder();
        for (String name : varyNames) {
            values.append(name).append('\u0000').append(request.varyValue(name)).append('\u0000');
        }
        return primary + ":" + digest(values.toString());
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
