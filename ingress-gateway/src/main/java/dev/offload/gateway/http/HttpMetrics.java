package dev.offload.gateway.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code offload_http_server_requests_seconds} (a latency histogram by method, route template and status)
 * for every API request, errors included. The route template, not the raw path, keeps the tag set bounded.
 * Thread-safe; runs on the event loop.
 */
public final class HttpMetrics {
    private final MeterRegistry meters;
    /**
     * The timers by their tags, so that a request looks its timer up in one map instead of building and registering
     * a meter id (sorted tags, the registry's own map): bounded like the tags, by the routes and the statuses.
     */
    private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();

    public HttpMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void record(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            Route route = ctx.currentRoute();
            String template = route == null || route.getPath() == null ? "unmatched" : route.getPath();
            timers.computeIfAbsent(
                            new Tags(
                                    ctx.request().method().name(),
                                    template,
                                    ctx.response().getStatusCode()),
                            this::register)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    private Timer register(Tags tags) {
        return Timer.builder("offload.http.server.requests")
                .description("HTTP API request latency")
                .tag("method", tags.method())
                .tag("route", tags.route())
                .tag("status", Integer.toString(tags.status()))
                .publishPercentileHistogram()
                .register(meters);
    }

    private record Tags(String method, String route, int status) {}
}
