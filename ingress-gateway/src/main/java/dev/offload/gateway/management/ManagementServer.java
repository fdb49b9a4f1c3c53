package dev.offload.gateway.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.model.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The management port of any Offload process: {@code /health/live} (the process answers), {@code /health/ready}
 * (every dependency answered within {@value #PROBE_TIMEOUT_MS} ms) and {@code /metrics} (Prometheus text format).
 * Kept apart from the API port so that it can stay private to the cluster. Runs on one event loop; never blocks.
 */
public final class ManagementServer {
    private static final long PROBE_TIMEOUT_MS = 2000;
    private final HttpServer server;

    private ManagementServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening; completes once the port is bound. */
    public static Future<ManagementServer> start(
            Vertx vertx, String host, int port, PrometheusMeterRegistry registry, List<HealthCheck> checks) {
        Router router = Router.router(vertx);
        router.get("/health/live")
                .handler(ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> ready(ctx, checks));
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape()));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .map(ManagementServer::new);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> stop() {
        return server.close();
    }

    private static void ready(RoutingContext ctx, List<HealthCheck> checks) {
        List<Future<?>> probes = new ArrayList<>();
        for (HealthCheck check : checks) {
            probes.add(probe(ctx.vertx(), check));
        }
        Future.join(probes).onComplete(done -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ObjectNode details = Json.MAPPER.createObjectNode();
            boolean up = true;
            for (int i = 0; i < checks.size(); i++) {
                Future<?> probe = probes.get(i);
                ObjectNode check = details.putObject(checks.get(i).name());
                check.put("status", probe.succeeded() ? "UP" : "DOWN");
                if (probe.succeeded() && probe.result() instanceof java.util.Map<?, ?> map) {
                    check.set("details", Json.MAPPER.valueToTree(map));
                }
                if (probe.failed()) {
                    up = false;
                    check.put("detail", String.valueOf(probe.cause().getMessage()));
                }
            }
            body.put("status", up ? "UP" : "DOWN");
            body.set("checks", details);
            json(ctx, up ? 200 : 503, body);
        });
    }

    private static Future<?> probe(Vertx vertx, HealthCheck check) {
        try {
            return check.probe().get().timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static void json(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(Json.toBytes(body)));
    }

    /** The probe timeout, for documentation and tests. */
    public static Duration probeTimeout() {
        return Duration.ofMillis(PROBE_TIMEOUT_MS);
    }
}
