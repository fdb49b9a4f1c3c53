package dev.offload.gateway.proxy;

import dev.offload.gateway.routes.RouteConfig;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One upstream base URL of a route with what guards it: a pooled keep-alive HTTP client (its own pool of {@code
 * routes.<name>.poolSize} connections; HTTP/2 by ALPN for https, by prior knowledge for http with {@code
 * routes.<name>.http2}), a circuit breaker, a bulkhead and a time limiter ({@code routes.<name>.timeout} for the
 * response head). Thread-safe; the client completes its futures on the caller's event loop.
 */
final class Upstream {
    final URI base;
    final String host;
    final int port;
    final boolean ssl;
    final String basePath;
    final HttpClientAgent client;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final TimeLimiter timeLimiter;

    Upstream(Vertx vertx, RouteConfig route, URI base, UpstreamGuards guards) {
        this.base = base;
        this.ssl = base.getScheme().equalsIgnoreCase("https");
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setSsl(ssl)
                .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, route.timeout().toMillis()))
                .setDecompressionSupported(false);
        if (ssl) {
            // ALPN: HTTP/2 when the upstream offers it, HTTP/1.1 otherwise.
            options.setUseAlpn(true)
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
        } else if (route.http2()) {
            options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
        }
        this.client = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions()
                        .setHttp1MaxSize(route.poolSize())
                        .setHttp2MaxSize(Math.max(1, route.poolSize() / 16)))
                .build();
        String name = route.name() + " " + base;
        RouteConfig.Breaker b = route.breaker();
        this.breaker = guards.breakers()
                .circuitBreaker(
                        name,
                        CircuitBreakerConfig.custom()
                                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                                .slidingWindowSize(b.window())
                                .minimumNumberOfCalls(Math.min(b.minimumCalls(), b.window()))
                                .failureRateThreshold(b.failureRate())
                                .waitDurationInOpenState(b.openFor())
                                .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                                .build());
        this.bulkhead = guards.bulkheads()
                .bulkhead(
                        name,
                        BulkheadConfig.custom()
                                .maxConcurrentCalls(route.bulkhead())
                                .maxWaitDuration(Duration.ZERO)
                                .build());
        // The proxy resets the upstream request itself on a timeout; there is no thread to interrupt.
        this.timeLimiter = guards.timeLimiters()
                .timeLimiter(
                        name,
                        TimeLimiterConfig.custom()
                                .timeoutDuration(route.timeout())
                                .cancelRunningFuture(false)
                                .build());
    }

    /** The upstream URI of a request path and query. */
    String uri(String pathAndQuery) {
        return basePath + pathAndQuery;
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
