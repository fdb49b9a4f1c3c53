package dev.offload.gateway;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.http.HttpMetrics;
import dev.offload.gateway.http.ProblemHandler;
import dev.offload.gateway.http.RequestIds;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.proxy.RouteHandler;
import dev.offload.gateway.webhooks.WebhookRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.IntConsumer;

/**
 * One event loop's share of the API: Vert.x spreads the instances' connections over the event loops, all on one
 * port. Everything it holds is shared and thread-safe; the verticle itself only wires the router.
 */
final class GatewayVerticle extends VerticleBase {
    private final GatewayConfig config;
    private final JobRoutes jobs;
    private final WebhookRoutes webhooks;
    private final RouteHandler routes;
    private final ApiKeyAuthenticator auth;
    private final HttpMetrics metrics;
    private final IntConsumer onListening;

    GatewayVerticle(
            GatewayConfig config,
            JobRoutes jobs,
            WebhookRoutes webhooks,
            RouteHandler routes,
            ApiKeyAuthenticator auth,
            HttpMetrics metrics,
            IntConsumer onListening) {
        this.config = config;
        this.jobs = jobs;
        this.webhooks = webhooks;
        this.routes = routes;
        this.auth = auth;
        this.metrics = metrics;
        this.onListening = onListening;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign).handler(metrics::record);
        jobs.mount(router, auth);
        if (webhooks != null) {
            webhooks.mount(router, auth);
        }
        routes.mount(router);
        ProblemHandler problems = new ProblemHandler();
        router.route().failureHandler(problems);
        router.errorHandler(404, problems);
        router.errorHandler(405, problems);
        router.errorHandler(500, problems);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setCompressionSupported(true)
                .setIdleTimeout(120));
        return server.requestHandler(router).listen().onSuccess(bound -> onListening.accept(bound.actualPort()));
    }
}
