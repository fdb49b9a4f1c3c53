package dev.offload.gateway.routes;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.model.http.RetryRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One configured route: which requests it takes ({@code path}, {@code methods}), where they go ({@code upstreams})
 * and how ({@code mode}, timeouts, header rules, retry rule, pool, breaker, bulkhead). Immutable; read with
 * {@link Routes#from}, which reports every invalid key by name.
 *
 * @param name the route's name, the {@code <name>} in its keys
 * @param path the path pattern
 * @param methods the methods taken (upper case); empty takes every method
 * @param upstreams base URLs, used round-robin with failover
 * @param mode sync (proxied) or async (captured as a job)
 * @param timeout sync: how long the upstream may take to start answering
 * @param asyncTimeout async: how long one replay by a worker may take
 * @param stripHeaders request header names (lower case) never sent upstream, in addition to the hop-by-hop ones
 * @param auth whether an API key is required (its {@code Authorization} header is then not sent upstream)
 * @param retryOn async: the outcomes retried, as {@link RetryRule} terms
 * @param queue async: the queue the jobs go to
 * @param maxBodySize async: the largest request body captured
 * @param maxResponseSize async: the largest upstream response body kept as the result
 * @param poolSize sync: connections per upstream (HTTP/1.1) kept alive and reused
 * @param http2 sync: speak HTTP/2 without TLS (prior knowledge) to {@code http:} upstreams; {@code https:} upstreams
 *     negotiate HTTP/2 by ALPN regardless
 * @param breaker the circuit breaker settings, per upstream
 * @param bulkhead sync: calls in flight per upstream before further calls fail over or get 503
 * @param rateLimit the {@code rateLimits} policies every call is checked against first, in order; empty: none
 * @param cache whether GET/HEAD calls are cached, and for how long: sync routes through the response cache (the TTL
 *     of answers without their own freshness), async routes by reusing an identical earlier request's succeeded job
 *     (the TTL: how long after it finished; zero: as long as it is kept)
 */
public record RouteConfig(
        String name,
        PathPattern path,
        Set<String> methods,
        List<URI> upstreams,
        RouteMode mode,
        Duration timeout,
        Duration asyncTimeout,
        Set<String> stripHeaders,
        boolean auth,
        List<String> retryOn,
        String queue,
        long maxBodySize,
        long maxResponseSize,
        int poolSize,
        boolean http2,
        Breaker breaker,
        int bulkhead,
        List<String> rateLimit,
        Cache cache) {

    static final String GROUP = "Routes";
    private static final String P = "routes." + ConfigKey.NAME_PLACEHOLDER + ".";

    public static final ConfigKey<String> PATH = ConfigKey.in(GROUP, P + "path")
            .essential()
            .doc("Path pattern the route takes: literal segments, `{param}` or `*` for one segment, a final `**` for"
                    + " any rest. The most specific route wins (more literal segments, then without `**`). Paths under"
                    + " /v1/ are reserved for the job API. Required.")
            .string(null);
    public static final ConfigKey<List<String>> UPSTREAMS = ConfigKey.in(GROUP, P + "upstreams")
            .essential()
            .doc("Base URLs (http or https, no query) the route forwards to: round-robin, skipping upstreams whose"
                    + " breaker is open, failing over on connection errors. The request path is appended. Required.")
            .list(List.of());
    public static final ConfigKey<String> MODE = ConfigKey.in(GROUP, P + "mode")
            .essential()
            .doc("`sync`: proxied at once. `async`: the request is captured as a job of type `http` (202), a worker"
                    + " replays it and `GET /v1/jobs/{id}/result` replays the upstream's answer."
                    + " `Prefer: respond-async` turns a sync call into a job too.")
            .oneOf("sync", "sync", "async");
    public static final ConfigKey<List<String>> METHODS = ConfigKey.in(GROUP, P + "methods")
            .doc("Methods the route takes, e.g. GET,POST; empty takes all. Other methods get 405.")
            .list(List.of());
    public static final ConfigKey<Duration> TIMEOUT = ConfigKey.in(GROUP, P + "timeout")
            .doc("Sync calls: how long the upstream may take to send its response headers (then 504), and the"
                    + " longest silence while the body streams.")
            .duration(Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMinutes(5));
    public static final ConfigKey<Duration> ASYNC_TIMEOUT = ConfigKey.in(GROUP, P + "asyncTimeout")
            .doc("Async jobs: how long one replay by a worker may take.")
            .duration(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
    public static final ConfigKey<Boolean> AUTH = ConfigKey.in(GROUP, P + "auth")
            .doc("Whether callers need an API key (`Authorization: Bearer`); the key is then not sent upstream."
                    + " Async routes always need one: the job belongs to the key's tenant.")
            .bool(true);
    public static final ConfigKey<List<String>> STRIP_HEADERS = ConfigKey.in(GROUP, P + "stripHeaders")
            .doc("Request headers never sent upstream, besides hop-by-hop headers (Connection and the ones it"
                    + " names, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*), which always are.")
            .list(List.of());
    public static final ConfigKey<List<String>> RETRY_ON = ConfigKey.in(GROUP, P + "retryOn")
            .doc("Async jobs: outcomes that fail the attempt so it is retried with backoff: `5xx`, `4xx`, a status"
                    + " such as `429`, `timeout`, `connect`. Any other answer is the job's result. On the last"
                    + " attempt a retryable answer is kept as the result.")
            .list(RetryRule.DEFAULT);
    public static final ConfigKey<String> QUEUE = ConfigKey.in(GROUP, P + "queue")
            .doc("Async jobs: the queue they go to (one of transport.queues).")
            .string("default");
    public static final ConfigKey<Long> MAX_BODY_SIZE = ConfigKey.in(GROUP, P + "maxBodySize")
            .doc("Async jobs: the largest request body captured; larger ones get 413. Sync calls stream the body"
                    + " and are not limited.")
            .bytes(1024L * 1024, 0, 64L * 1024 * 1024);
    public static final ConfigKey<Long> MAX_RESPONSE_SIZE = ConfigKey.in(GROUP, P + "maxResponseSize")
            .doc("Async jobs: the largest upstream response body kept as the result; a larger one fails the job.")
            .bytes(10L * 1024 * 1024, 0, 256L * 1024 * 1024);
    public static final ConfigKey<Integer> POOL_SIZE = ConfigKey.in(GROUP, P + "poolSize")
            .doc("Sync calls: keep-alive connections per upstream (HTTP/1.1); further calls wait for a free one.")
            .integer(32, 1, 10_000);
    public static final ConfigKey<Boolean> HTTP2 = ConfigKey.in(GROUP, P + "http2")
            .rare()
            .doc("Sync calls: speak HTTP/2 without TLS (prior knowledge) to http: upstreams, multiplexing the calls"
                    + " on poolSize / 16 connections (at least one). https: upstreams negotiate HTTP/2 by ALPN"
                    + " anyway.")
            .bool(false);
    public static final ConfigKey<Integer> BULKHEAD = ConfigKey.in(GROUP, P + "bulkhead")
            .doc("Sync calls in flight per upstream; beyond it a call fails over to the next upstream, or gets 503."
                    + " A call's place is held until its response was sent or its client went away.")
            .integer(256, 1, 100_000);
    public static final ConfigKey<Integer> BREAKER_WINDOW = ConfigKey.in(GROUP, P + "breaker.window")
            .doc("Circuit breaker: the last calls per upstream whose failure rate decides (5xx, timeouts and"
                    + " connection errors fail).")
            .integer(20, 1, 10_000);
    public static final ConfigKey<Integer> BREAKER_MINIMUM_CALLS = ConfigKey.in(GROUP, P + "breaker.minimumCalls")
            .doc("Circuit breaker: calls before the failure rate is judged at all.")
            .integer(10, 1, 10_000);
    public static final ConfigKey<Integer> BREAKER_FAILURE_RATE = ConfigKey.in(GROUP, P + "breaker.failureRate")
            .doc("Circuit breaker: the failure percentage at which it opens; while open, calls get 503 with"
                    + " Retry-After at once, without touching the upstream.")
            .integer(50, 1, 100);
    public static final ConfigKey<Duration> BREAKER_OPEN_FOR = ConfigKey.in(GROUP, P + "breaker.openFor")
            .doc("Circuit breaker: how long it stays open before letting trial calls through (half-open).")
            .duration(Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofHours(1));
    public static final ConfigKey<Integer> BREAKER_HALF_OPEN_CALLS = ConfigKey.in(GROUP, P + "breaker.halfOpenCalls")
            .rare()
            .doc("Circuit breaker: trial calls in half-open state; it closes if their failure rate is below the"
                    + " threshold, else opens again.")
            .integer(3, 1, 1000);
    public static final ConfigKey<List<String>> RATE_LIMIT = ConfigKey.in(GROUP, P + "rateLimit")
            .doc("Names of rateLimits policies every call of the route is checked against first, before the cache,"
                    + " the upstream or the job queue; a call refused by any gets 429 quota-exceeded with"
                    + " Retry-After, and every answer carries RateLimit-Policy and RateLimit. Empty: not limited.")
            .list(List.of());
    public static final ConfigKey<Boolean> CACHE_ENABLED = ConfigKey.in(GROUP, P + "cache.enabled")
            .doc("GET and HEAD calls are cached; other methods never are. Sync routes: answers go through the shared"
                    + " response cache (gateway.cache.*), which follows the upstream's Cache-Control (max-age,"
                    + " s-maxage, no-store, private, Vary) and revalidates with ETag / Last-Modified; answers carry"
                    + " X-Cache: HIT, MISS or STALE. Async routes: a request identical to an earlier one of the same"
                    + " tenant (method, path, query, headers except forwarding and trace ids, body) whose job"
                    + " succeeded is answered 200 with that job's document and X-Cache: HIT instead of a new job.")
            .bool(false);
    public static final ConfigKey<Duration> CACHE_TTL = ConfigKey.in(GROUP, P + "cache.ttl")
            .doc("Routes with cache.enabled. Sync: how long an answer whose Cache-Control gives no max-age or"
                    + " s-maxage stays fresh (no-store, private and no-cache are still obeyed); 0: only answers that"
                    + " state their freshness are cached. Async: how long after an earlier job finished its result"
                    + " may answer; 0: as long as the job is kept.")
            .duration(Duration.ZERO, Duration.ZERO, Duration.ofDays(365));

    /** The methods whose calls {@code cache.enabled} caches: the safe ones whose answer can be reused. */
    public static final Set<String> CACHED_METHODS = Set.of("GET", "HEAD");

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        methods = Set.copyOf(methods);
        upstreams = List.copyOf(upstreams);
        Objects.requireNonNull(mode, "mode");
        stripHeaders = Set.copyOf(stripHeaders);
        retryOn = List.copyOf(retryOn);
        Objects.requireNonNull(breaker, "breaker");
        rateLimit = List.copyOf(rateLimit);
        Objects.requireNonNull(cache, "cache");
    }

    /**
     * A route's use of the response cache.
     *
     * @param enabled whether GET/HEAD answers go through the cache
     * @param ttl the freshness of answers without their own; {@link Duration#ZERO}: only those with one are stored
     */
    public record Cache(boolean enabled, Duration ttl) {
        public static final Cache OFF = new Cache(false, Duration.ZERO);

        public Cache {
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /**
     * The circuit breaker settings of a route, applied to each of its upstreams.
     *
     * @param window calls in the sliding window
     * @param minimumCalls calls before the rate is judged
     * @param failureRate percentage that opens the breaker
     * @param openFor how long it stays open
     * @param halfOpenCalls trial calls when half-open
     */
    public record Breaker(int window, int minimumCalls, int failureRate, Duration openFor, int halfOpenCalls) {}

    public static List<ConfigKey<?>> keys() {
        return List.of(
                PATH,
                UPSTREAMS,
                MODE,
                METHODS,
                TIMEOUT,
                ASYNC_TIMEOUT,
                AUTH,
                STRIP_HEADERS,
                RETRY_ON,
                QUEUE,
                MAX_BODY_SIZE,
                MAX_RESPONSE_SIZE,
                POOL_SIZE,
                HTTP2,
                BULKHEAD,
                BREAKER_WINDOW,
                BREAKER_MINIMUM_CALLS,
                BREAKER_FAILURE_RATE,
                BREAKER_OPEN_FOR,
                BREAKER_HALF_OPEN_CALLS,
                RATE_LIMIT,
                CACHE_ENABLED,
                CACHE_TTL);
    }

    /** Whether the route takes {@code method}. */
    public boolean takes(String method) {
        return methods.isEmpty() || methods.contains(method);
    }

    /**
     * Reads route {@code name}; problems are recorded in {@code settings}, each naming its key, and {@code null} is
     * returned when the route is unusable.
     *
     * @param queues the queues that exist, for {@code routes.<name>.queue}
     * @param policies the rate-limit policies declared under {@code rateLimits}, for {@code routes.<name>.rateLimit}
     */
    static RouteConfig read(Settings settings, String name, Set<String> queues, Set<String> policies) {
        int violations = settings.violationCount();
        PathPattern path = pathOf(settings, name);
        List<URI> upstreams = upstreamsOf(settings, name);
        RouteMode mode = RouteMode.valueOf(settings.get(MODE.forName(name)).toUpperCase(Locale.ROOT));
        Set<String> methods = methodsOf(settings, name);
        boolean auth = settings.get(AUTH.forName(name));
        if (mode == RouteMode.ASYNC && !auth) {
            settings.reject(AUTH.forName(name).name() + ": an async route needs auth (the job belongs to the"
                    + " caller's tenant, who polls it with the same key); set it to true or use mode sync");
        }
        List<String> retryOn = settings.get(RETRY_ON.forName(name));
        try {
            RetryRule.of(retryOn);
        } catch (IllegalArgumentException e) {
            settings.reject(RETRY_ON.forName(name).name() + ": " + e.getMessage());
        }
        String queue = settings.get(QUEUE.forName(name));
        if (!queues.contains(queue)) {
            settings.reject(QUEUE.forName(name).name() + ": queue '" + queue + "' is not one of transport.queues "
                    + new TreeSet<>(queues));
        }
        Set<String> strip = new TreeSet<>();
        settings.get(STRIP_HEADERS.forName(name)).forEach(h -> strip.add(h.toLowerCase(Locale.ROOT)));
        Breaker breaker = new Breaker(
                settings.get(BREAKER_WINDOW.forName(name)),
                settings.get(BREAKER_MINIMUM_CALLS.forName(name)),
                settings.get(BREAKER_FAILURE_RATE.forName(name)),
                settings.get(BREAKER_OPEN_FOR.forName(name)),
                settings.get(BREAKER_HALF_OPEN_CALLS.forName(name)));
        RouteConfig route = new RouteConfig(
                name,
                path == null ? PathPattern.compile("/") : path,
                methods,
                upstreams,
                mode,
                settings.get(TIMEOUT.forName(name)),
                settings.get(ASYNC_TIMEOUT.forName(name)),
                strip,
                auth,
                retryOn,
                queue,
                settings.get(MAX_BODY_SIZE.forName(name)),
                settings.get(MAX_RESPONSE_SIZE.forName(name)),
                settings.get(POOL_SIZE.forName(name)),
                settings.get(HTTP2.forName(name)),
                breaker,
                settings.get(BULKHEAD.forName(name)),
                rateLimitOf(settings, name, policies),
                cacheOf(settings, name, methods));
        return settings.violationCount() == violations ? route : null;
    }

    private static PathPattern pathOf(Settings settings, String name) {
        ConfigKey<String> key = PATH.forName(name);
        String text = settings.require(key);
        if (text == null) {
            return null;
        }
        if (text.equals("/v1") || text.startsWith("/v1/")) {
            settings.reject(key.name() + ": '" + text + "' is under /v1/, which is reserved for the job API");
            return null;
        }
        try {
            return PathPattern.compile(text);
        } catch (IllegalArgumentException e) {
            settings.reject(key.name() + ": '" + text + "' is not a path pattern: " + e.getMessage());
            return null;
        }
    }

    private static List<URI> upstreamsOf(Settings settings, String name) {
        ConfigKey<List<String>> key = UPSTREAMS.forName(name);
        List<String> texts = settings.get(key);
        if (texts.isEmpty()) {
            settings.reject(key.name() + " is required: give at least one base URL such as http://reports:8080");
        }
        List<URI> upstreams = new ArrayList<>();
        for (String text : texts) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    settings.reject(key.name() + ": '" + text + "' is not an http:// or https:// URL with a host");
                } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    settings.reject(key.name() + ": '" + text + "' must not have a query or fragment");
                } else {
                    upstreams.add(uri);
                }
            } catch (URISyntaxException e) {
                settings.reject(key.name() + ": '" + text + "' is not a URL: " + e.getReason());
            }
        }
        return upstreams;
    }

    private static List<String> rateLimitOf(Settings settings, String name, Set<String> policies) {
        ConfigKey<List<String>> key = RATE_LIMIT.forName(name);
        List<String> names = settings.get(key);
        for (String policy : names) {
            if (!policies.contains(policy)) {
                settings.reject(key.name() + " names policy '" + policy + "', but rateLimits has no such policy;"
                        + " declare rateLimits." + policy + ".limit and .window, or use one of "
                        + new TreeSet<>(policies));
            }
        }
        return names;
    }

    private static Cache cacheOf(Settings settings, String name, Set<String> methods) {
        ConfigKey<Boolean> enabledKey = CACHE_ENABLED.forName(name);
        ConfigKey<Duration> ttlKey = CACHE_TTL.forName(name);
        boolean enabled = settings.get(enabledKey);
        Duration ttl = settings.get(ttlKey);
        if (enabled && !methods.isEmpty() && methods.stream().noneMatch(CACHED_METHODS::contains)) {
            settings.reject(enabledKey.name() + ": only GET and HEAD calls are cached, but "
                    + METHODS.forName(name).name() + " is " + methods + "; set it to false or take GET");
        }
        if (!enabled && !ttl.isZero()) {
            // A TTL that silently does nothing would look like a cache that does not work.
            settings.reject(ttlKey.name() + " is set but " + enabledKey.name() + " is false; set " + enabledKey.name()
                    + ": true to cache the route");
        }
        return enabled ? new Cache(true, ttl) : Cache.OFF;
    }

    private static Set<String> methodsOf(Settings settings, String name) {
        ConfigKey<List<String>> key = METHODS.forName(name);
        Set<String> methods = new TreeSet<>();
        for (String method : settings.get(key)) {
            String m = method.toUpperCase(Locale.ROOT);
            if (!KNOWN_METHODS.contains(m)) {
                settings.reject(key.name() + ": '" + method + "' is not one of " + new TreeSet<>(KNOWN_METHODS));
            }
            methods.add(m);
        }
        return methods;
    }
}
