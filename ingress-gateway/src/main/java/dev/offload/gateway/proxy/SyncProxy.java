package dev.offload.gateway.proxy;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.routes.HeaderRules;
import dev.offload.gateway.routes.RouteConfig;
import dev.offload.model.http.HeaderField;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proxies sync route calls: picks an upstream round-robin, skipping those whose circuit breaker is open or whose
 * bulkhead is full, and fails over to the next one when a connection cannot be had (before any body byte was sent);
 * streams the request body up and the response body down without buffering either; strips hop-by-hop and configured
 * headers and adds the forwarding headers. The route's timeout bounds the wait for the response headers (then 504)
 * and any silence while the body streams.
 *
 * <p>5xx answers, timeouts and connection errors count as failures for the upstream's breaker. When every upstream's
 * breaker is open the call gets 503 upstream-unavailable with Retry-After at once, without touching any upstream.
 *
 * <p>Thread-safe; one instance serves all verticles. Handlers run on the event loop and never block.
 */
public final class SyncProxy implements AutoCloseable {
    private final Map<String, List<Upstream>> upstreams = new HashMap<>();
    private final Map<String, AtomicInteger> next = new HashMap<>();
    private final List<ProxyInterceptor> interceptors;
    private final CircuitBreakerRegistry breakers;

    public SyncProxy(
            Vertx vertx,
            List<RouteConfig> routes,
            List<ProxyInterceptor> interceptors,
            CircuitBreakerRegistry breakers,
            BulkheadRegistry bulkheads) {
        this.interceptors = List.copyOf(interceptors);
        this.breakers = breakers;
        for (RouteConfig route : routes) {
            List<Upstream> group = new ArrayList<>();
            route.upstreams().forEach(base -> group.add(new Upstream(vertx, route, base, breakers, bulkheads)));
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
        List<Upstream> group = upstreams.get(route.name());
        int start = Math.floorMod(next.get(route.name()).getAndIncrement(), group.size());
        List<Upstream> order = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            order.add(group.get((start + i) % group.size()));
        }
        attempt(ctx, route, order, 0, new ArrayList<>());
    }

    /** Tries {@code order[index]}, and the following upstreams while no connection could be had. */
    private void attempt(RoutingContext ctx, RouteConfig route, List<Upstream> order, int index, List<String> why) {
        if (index == order.size()) {
            ctx.fail(exhausted(route, order, why));
            return;
        }
        Upstream upstream = order.get(index);
        if (!upstream.breaker.tryAcquirePermission()) {
            why.add(upstream + ": circuit breaker open");
            attempt(ctx, route, order, index + 1, why);
            return;
        }
        if (!upstream.bulkhead.tryAcquirePermission()) {
            upstream.breaker.releasePermission();
            why.add(upstream + ": " + route.bulkhead() + " calls in flight (routes." + route.name() + ".bulkhead)");
            attempt(ctx, route, order, index + 1, why);
            return;
        }
        Call call = new Call(upstream);
        HttpServerRequest in = ctx.request();
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
                attempt(ctx, route, order, index + 1, why);
            } else {
                exchange(ctx, route, call, connected.result());
            }
        });
    }

    private void exchange(RoutingContext ctx, RouteConfig route, Call call, HttpClientRequest out) {
        HttpServerRequest in = ctx.request();
        for (HeaderField h : HeaderRules.requestFields(in.headers(), route)) {
            if (!HeaderRules.isForwarding(h.name())) {
                out.headers().add(h.name(), h.value());
            }
        }
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
        long timeout = route.timeout().toMillis();
        Future<HttpClientResponse> response = hasBody ? out.send(in) : out.send();
        response.timeout(timeout, TimeUnit.MILLISECONDS).onComplete(answered -> {
            if (answered.failed()) {
                out.reset(0, answered.cause());
                call.failed(answered.cause());
                ctx.fail(
                        answered.cause() instanceof TimeoutException
                                ? ApiException.of(
                                        ErrorCode.UPSTREAM_TIMEOUT,
                                        "upstream " + call.upstream + " did not answer within "
                                                + route.timeout().toMillis() + " ms (routes." + route.name()
                                                + ".timeout)")
                                : ApiException.of(
                                        ErrorCode.BAD_GATEWAY,
                                        "upstream " + call.upstream + " failed: " + describe(answered.cause())));
                return;
            }
            relay(ctx, route, call, answered.result());
        });
    }

    private void relay(RoutingContext ctx, RouteConfig route, Call call, HttpClientResponse answer) {
        if (answer.statusCode() >= 500) {
            call.answeredWithError(new IllegalStateException("status " + answer.statusCode()));
        } else {
            call.answered();
        }
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
        // The call holds its bulkhead place until the body has streamed, not only until the headers came.
        ctx.addEndHandler(ended -> call.release());
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
            return ApiException.retryLater(
                    ErrorCode.UPSTREAM_UNAVAILABLE, detail, route.breaker().openFor());
        }
        return ApiException.of(ErrorCode.BAD_GATEWAY, detail);
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** Breaker states by upstream, for readiness details. */
    public Map<String, Object> states() {
        Map<String, Object> states = new LinkedHashMap<>();
        breakers.getAllCircuitBreakers()
                .forEach(b -> states.put(b.getName(), b.getState().name()));
        return states;
    }

    @Override
    public void close() {
        upstreams.values().forEach(group -> group.forEach(u -> u.client.close()));
    }

    /**
     * One call's claims on an upstream: its breaker permission, settled once when the answer (or the failure) is
     * known, and its bulkhead place, released once when the exchange is over.
     */
    private static final class Call {
        private final Upstream upstream;
        private final long start = System.nanoTime();
        private final AtomicBoolean judged = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        Call(Upstream upstream) {
            this.upstream = upstream;
        }

        /** The upstream answered with headers; the body may still be streaming. */
        void answered() {
            if (judged.compareAndSet(false, true)) {
                upstream.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        /** The upstream answered with a server error; the body may still be streaming. */
        void answeredWithError(Throwable why) {
            if (judged.compareAndSet(false, true)) {
                upstream.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, why);
            }
        }

        /** No answer: connection failure, timeout or broken exchange. Ends the call. */
        void failed(Throwable why) {
            answeredWithError(why);
            release();
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                upstream.bulkhead.onComplete();
            }
        }
    }
}
