package dev.offload.gateway.proxy;

import dev.offload.gateway.cache.CacheRequest;
import dev.offload.gateway.cache.CachedResponse;
import dev.offload.gateway.cache.ResponseCache;
import dev.offload.gateway.cache.Revalidation;
import dev.offload.gateway.cache.UpstreamResponse;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.routes.HeaderRules;
import dev.offload.gateway.routes.RouteConfig;
import dev.offload.model.http.HeaderField;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proxies sync route calls: picks an upstream round-robin, skipping those whose circuit breaker is open or whose
 * bulkhead is full, and fails over to the next one when a connection cannot be had (before any body byte was sent);
 * streams the request body up and the response body down without buffering either; strips hop-by-hop and configured
 * headers and adds the forwarding headers. The route's timeout bounds the wait for the response headers (each
 * upstream's Resilience4j time limiter; then 504) and any silence while the body streams (the connection's idle
 * timeout).
 *
 * <p>GET and HEAD calls of routes with {@code cache.enabled} go through the {@link ResponseCache}: answered from
 * Redis when it holds a fresh response ({@code X-Cache: HIT}), revalidated with a conditional upstream call when it
 * holds a stale one ({@code STALE} on a 304), otherwise fetched ({@code MISS}; concurrent misses for one key share
 * one upstream call), the upstream call then going through the same breakers, bulkheads and timeouts.
 *
 * <p>5xx answers, timeouts and connection errors count as failures for the upstream's breaker. When every upstream's
 * breaker is open the call gets 503 upstream-unavailable with Retry-After at once, without touching any upstream.
 *
 * <p>Thread-safe; one instance serves all verticles. Handlers run on the event loop and never block: the time
 * limiters' timers run on one daemon thread of the proxy's own, and their outcome comes back to the request's
 * context before the request or response is touched.
 */
public final class SyncProxy implements AutoCloseable {
    private final Map<String, List<Upstream>> upstreams = new HashMap<>();
    private final Map<String, AtomicInteger> next = new HashMap<>();
    private final ResponseCache cache;
    private final List<ProxyInterceptor> interceptors;
    private final ScheduledThreadPoolExecutor timers = timers();

    /**
     * @param cache answers GET/HEAD on routes with {@code cache.enabled}
     * @param interceptors run in order before each call (and before the cache); their {@code onUpstreamResponse}
     *     sees the responses of uncached routes only (a cached route's answer may not come from the upstream)
     */
    public SyncProxy(
            Vertx vertx,
            List<RouteConfig> routes,
            ResponseCache cache,
            List<ProxyInterceptor> interceptors,
            UpstreamGuards guards) {
        this.cache = cache;
        this.interceptors = List.copyOf(interceptors);
        for (RouteConfig route : routes) {
            List<Upstream> group = new ArrayList<>();
            route.upstreams().forEach(base -> group.add(new Upstream(vertx, route, base, guards)));
            upstreams.put(route.name(), List.copyOf(group));
            next.put(route.name(), new AtomicInteger());
        }
    }

    /** Forwards the request; the response is written, or the context failed with a problem. */
    public void forward(RoutingContext ctx, RouteConfig route) {
        before(ctx, route, 0).onComplete(handled -> {
            if (handled.failed()) {
                ctx.fail(handled.cause());
            } else if (!handled.result()) {
                call(ctx, route);
            }
        });
    }

    /**
     * The time limiters' timer thread: a daemon, so that it never holds the JVM up, and cancelled timers (every
     * answered call cancels one) leave its queue at once instead of when they would have fired.
     */
    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform().name("offload-upstream-timeouts").daemon().factory());
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    private Future<Boolean> before(RoutingContext ctx, RouteConfig route, int index) {
        if (index == interceptors.size()) {
            return Future.succeededFuture(false);
        }
        return interceptors
                .get(index)
                .beforeUpstream(ctx, route)
                .compose(handled -> handled ? Future.succeededFuture(true) : before(ctx, route, index + 1));
    }

    private void call(RoutingContext ctx, RouteConfig route) {
        HttpMethod method = ctx.request().method();
        if (route.cache().enabled() && RouteConfig.CACHED_METHODS.contains(method.name())) {
            cached(ctx, route);
        } else {
            fetch(new Fetch(ctx, route, Revalidation.passThrough(), false))
                    .onSuccess(answer -> relay(ctx, route, answer))
                    .onFailure(ctx::fail);
        }
    }

    /**
     * Through the response cache: it answers from what it stores, or calls {@link #fetch} (at most once, with the
     * conditional headers it wants) and stores the answer if it may. The cache reads the request headers as they
     * would be forwarded (without the gateway's own API key), for Vary, Authorization and the client's Cache-Control.
     */
    private void cached(RoutingContext ctx, RouteConfig route) {
        HttpServerRequest in = ctx.request();
        MultiMap forwarded = MultiMap.caseInsensitiveMultiMap();
        for (HeaderField h : HeaderRules.requestFields(in.headers(), route)) {
            if (!HeaderRules.isForwarding(h.name())) {
                forwarded.add(h.name(), h.value());
            }
        }
        CacheRequest request = new CacheRequest(
                route.name(), in.method(), in.uri(), forwarded, route.cache().ttl());
        cache.serve(
                        request,
                        revalidation -> fetch(new Fetch(ctx, route, revalidation, true))
                                .map(answer -> new UpstreamResponse(answer.statusCode(), answer.headers(), answer)))
                .onSuccess(answer -> respond(ctx, answer))
                .onFailure(ctx::fail);
    }

    private static void respond(RoutingContext ctx, CachedResponse answer) {
        HttpServerResponse out = ctx.response().setStatusCode(answer.status());
        for (HeaderField h : HeaderRules.responseFields(answer.headers())) {
            out.headers().add(h.name(), h.value());
        }
        String length = answer.headers().get("Content-Length");
        if (length != null) {
            out.putHeader("Content-Length", length);
        }
        if (!answer.streamed()) {
            out.end(answer.body());
            return;
        }
        // Passed through uncached: what the cache already read, then the rest as it arrives.
        if (answer.body().length() > 0) {
            out.write(answer.body());
        }
        answer.rest().pipeTo(out).onFailure(failure -> {
            out.reset();
            if (answer.rest() instanceof HttpClientResponse upstream) {
                upstream.request().reset();
            }
        });
    }

    /**
     * One upstream call for a client's request.
     *
     * @param revalidation how the request headers are adjusted
     * @param shared whether requests other than the client's wait for the call (a response cache miss may serve
     *     coalesced requests): then it goes on when its client goes away
     */
    private record Fetch(RoutingContext ctx, RouteConfig route, Revalidation revalidation, boolean shared) {}

    /**
     * Calls an upstream of the route with the client's request (headers adjusted by the fetch's revalidation): round
     * robin, failing over while no connection can be had. Completes when the response head arrived, with its body
     * unread, on the request's context; fails with the problem to answer (502, 503, 504). The breaker judges the
     * call by the head; the bulkhead place is held until the client's exchange is over.
     */
    private Future<HttpClientResponse> fetch(Fetch fetch) {
        String name = fetch.route().name();
        List<Upstream> group = upstreams.get(name);
        int start = Math.floorMod(next.get(name).getAndIncrement(), group.size());
        List<Upstream> order = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            order.add(group.get((start + i) % group.size()));
        }
        Promise<HttpClientResponse> answered = Promise.promise();
        attempt(fetch, order, 0, new ArrayList<>(), answered);
        return answered.future();
    }

    /** Tries {@code order[index]}, and the following upstreams while no connection could be had. */
    private void attempt(
            Fetch fetch, List<Upstream> order, int index, List<String> why, Promise<HttpClientResponse> answered) {
        RouteConfig route = fetch.route();
        if (index == order.size()) {
            answered.fail(exhausted(route, order, why));
            return;
        }
        if (fetch.ctx().response().closed()) {
            answered.fail(new IllegalStateException("the client went away before an upstream was called"));
            return;
        }
        Upstream upstream = order.get(index);
        if (!upstream.breaker.tryAcquirePermission()) {
            why.add(upstream + ": circuit breaker open");
            attempt(fetch, order, index + 1, why, answered);
            return;
        }
        if (!upstream.bulkhead.tryAcquirePermission()) {
            upstream.breaker.releasePermission();
            why.add(upstream + ": " + route.bulkhead() + " calls in flight (routes." + route.name() + ".bulkhead)");
            attempt(fetch, order, index + 1, why, answered);
            return;
        }
        Call call = new Call(upstream);
        // Registered before anything can keep the call waiting (the pool, the upstream), so it cannot miss the end:
        // the bulkhead place is held until the client's exchange is over, however it ends.
        fetch.ctx().addEndHandler(ended -> {
            if (ended.failed() && !fetch.shared()) {
                call.abandoned();
            }
            call.release();
        });
        HttpServerRequest in = fetch.ctx().request();
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setHost(upstream.host)
                .setPort(upstream.port)
                .setURI(upstream.uri(in.uri()))
                .setConnectTimeout(route.timeout().toMillis())
                .setIdleTimeout(route.timeout().toMillis());
        upstream.client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                call.failed(connected.cause());
                why.add(upstream + ": " + describe(connected.cause()));
                attempt(fetch, order, index + 1, why, answered);
            } else if (!call.connected(connected.result())) {
                answered.fail(new IllegalStateException("the client went away before " + upstream + " was called"));
            } else {
                exchange(fetch, call, connected.result()).onComplete(answered);
            }
        });
    }

    private Future<HttpClientResponse> exchange(Fetch fetch, Call call, HttpClientRequest out) {
        RouteConfig route = fetch.route();
        HttpServerRequest in = fetch.ctx().request();
        for (HeaderField h : HeaderRules.requestFields(in.headers(), route)) {
            if (!HeaderRules.isForwarding(h.name())) {
                out.headers().add(h.name(), h.value());
            }
        }
        fetch.revalidation().applyTo(out.headers());
        String scheme = in.scheme() == null ? "http" : in.scheme();
        String host = in.authority() == null ? null : in.authority().toString();
        String client =
                in.remoteAddress() == null ? "unknown" : in.remoteAddress().hostAddress();
        HeaderRules.forwardingFields(in.headers(), client, scheme, host)
                .forEach(h -> out.headers().set(h.name(), h.value()));
        String length = in.getHeader("Content-Length");
        if (length != null) {
            out.putHeader("Content-Length", length);
        }
        // An HTTP/1.1 request without Content-Length or Transfer-Encoding has no body; HTTP/2 says so by ending.
        boolean hasBody = length != null
                || in.getHeader("Transfer-Encoding") != null
                || (in.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !in.isEnded());
        Context context = fetch.ctx().vertx().getOrCreateContext();
        // The stage completes on the event loop when the head arrives, or on the timer thread when the time is up:
        // either way the rest goes on on the request's context.
        var limited = call.upstream.timeLimiter.executeCompletionStage(
                timers, () -> (hasBody ? out.send(in) : out.send()).toCompletionStage());
        return Future.fromCompletionStage(limited, context).transform(answered -> {
            if (answered.failed()) {
                Throwable cause = answered.cause() instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause()
                        : answered.cause();
                out.reset(0, cause);
                call.failed(cause);
                return Future.failedFuture(
                        cause instanceof TimeoutException
                                ? ApiException.of(
                                        ErrorCode.UPSTREAM_TIMEOUT,
                                        "upstream " + call.upstream + " did not answer within "
                                                + route.timeout().toMillis() + " ms (routes." + route.name()
                                                + ".timeout)")
                                : ApiException.of(
                                        ErrorCode.BAD_GATEWAY,
                                        "upstream " + call.upstream + " failed: " + describe(cause)));
            }
            HttpClientResponse answer = answered.result();
            if (answer.statusCode() >= 500) {
                call.answeredWithError(new IllegalStateException("status " + answer.statusCode()));
            } else {
                call.answered();
            }
            return Future.succeededFuture(answer);
        });
    }

    private void relay(RoutingContext ctx, RouteConfig route, HttpClientResponse answer) {
        HttpServerResponse out = ctx.response();
        out.setStatusCode(answer.statusCode());
        if (answer.statusMessage() != null) {
            out.setStatusMessage(answer.statusMessage());
        }
        for (HeaderField h : HeaderRules.responseFields(answer.headers())) {
            out.headers().add(h.name(), h.value());
        }
        String length = answer.getHeader("Content-Length");
        if (length != null) {
            out.putHeader("Content-Length", length);
        }
        ReadStream<Buffer> body = answer;
        for (ProxyInterceptor interceptor : interceptors) {
            body = interceptor.onUpstreamResponse(ctx, route, answer, body);
        }
        answer.exceptionHandler(failure -> out.reset());
        out.send(body).onFailure(failure -> {
            // The client went away or the upstream broke off: drop both sides rather than leave either hanging.
            out.reset();
            answer.request().reset();
        });
    }

    private ApiException exhausted(RouteConfig route, List<Upstream> order, List<String> why) {
        boolean allOpen = order.stream()
                .allMatch(u -> u.breaker.getState() == CircuitBreaker.State.OPEN
                        || u.breaker.getState() == CircuitBreaker.State.FORCED_OPEN);
        String detail = "no upstream of route '" + route.name() + "' could take the call: " + String.join("; ", why);
        if (allOpen || why.stream().allMatch(w -> w.endsWith("open") || w.contains(".bulkhead)"))) {
            return ApiException.of(ErrorCode.UPSTREAM_UNAVAILABLE, detail)
                    .withRetryAfter(route.breaker().openFor());
        }
        return ApiException.of(ErrorCode.BAD_GATEWAY, detail);
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    @Override
    public void close() {
        upstreams.values().forEach(group -> group.forEach(u -> u.client.close()));
        timers.shutdownNow();
    }

    /**
     * One call's claims on an upstream: its breaker permission, settled once when the answer (or the failure) is
     * known, or given back unjudged when the client went away first; and its bulkhead place, released once when the
     * exchange is over. Confined to the request's context.
     */
    private static final class Call {
        private final Upstream upstream;
        private final long start = System.nanoTime();
        private boolean judged;
        private boolean released;
        private boolean abandoned;
        private HttpClientRequest request;

        Call(Upstream upstream) {
            this.upstream = upstream;
        }

        /** The connection came; false (and the request dropped) if the client has gone away meanwhile. */
        boolean connected(HttpClientRequest request) {
            this.request = request;
            if (abandoned) {
                request.reset();
                return false;
            }
            return true;
        }

        /** The upstream answered with headers; the body may still be streaming. */
        void answered() {
            if (!judged) {
                judged = true;
                upstream.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        /** The upstream answered with a server error; the body may still be streaming. */
        void answeredWithError(Throwable why) {
            if (!judged) {
                judged = true;
                upstream.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, why);
            }
        }

        /** No answer: connection failure, timeout or broken exchange. Ends the call. */
        void failed(Throwable why) {
            answeredWithError(why);
            release();
        }

        /**
         * The client went away: the upstream request is dropped (what it would answer has nobody to go to), and a
         * call that had no answer yet is not held against the upstream. Ends the call.
         */
        void abandoned() {
            abandoned = true;
            if (!judged) {
                judged = true;
                upstream.breaker.releasePermission();
            }
            if (request != null) {
                request.reset();
            }
            release();
        }

        void release() {
            if (!released) {
                released = true;
                upstream.bulkhead.onComplete();
            }
        }
    }
}
