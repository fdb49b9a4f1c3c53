package dev.offload.gateway.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * Records {@code offload_http_server_requests_seconds} (a latency histogram by method, route template and status)
 * for every API request, errors included. The route template, not the raw path, keeps the tag set bounded.
 * Thread-safe; runs on the event loop.
 */
public final class HttpMetrics {
    private final MeterRegistry meters;

    public HttpMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void record(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            Route route = ctx.currentRoute();
            String template = route == null || route.getPath() == null ? "unmatched" : route.getPath();
            Timer.builder("offload.http.server.requests")
                    .description("HTTP API request latency")
                    .tag("method", ctx.request().method().name())
                    .tag("route", template)
                    .tag("status", Integer.toString(ctx.response().getStatusCode()))
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }
}
