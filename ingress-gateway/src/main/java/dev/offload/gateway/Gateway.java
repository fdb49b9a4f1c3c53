package dev.offload.gateway;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.http.HttpMetrics;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.webhooks.WebhookRoutes;
import dev.offload.store.JobStore;
import dev.offload.transport.JobPublisher;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingress gateway: the HTTP job API on {@link GatewayConfig#instances()} event loops. Stateless: all state is in
 * the store and the broker, so any number of gateways can serve one deployment behind a load balancer.
 *
 * <p>Create with {@link #create}, then {@link #start()}; {@link #stop()} stops accepting and releases resources.
 * Thread-safe; start and stop return futures and never block.
 */
public final class Gateway {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final JobRoutes jobs;
    private final ApiKeyAuthenticator auth;
    private final HttpMetrics httpMetrics;
    private final WebhookRoutes webhooks;
    private final AtomicInteger port = new AtomicInteger();
    private String deploymentId;

    /**
     * A gateway over the given store and publisher, without the webhook API (a store without webhook support, e.g.
     * the embedded one); nothing listens until {@link #start()}.
     */
    public Gateway(
            Vertx vertx,
            GatewayConfig config,
            JobStore store,
            JobPublisher publisher,
            Clock clock,
            MeterRegistry meters) {
        this(vertx, config, store, publisher, null, null, clock, meters);
    }

    /**
     * A gateway with the webhook API over {@code webhookStore}; nothing listens until {@link #start()}.
     *
     * @param webhookStore where endpoints and deliveries live, or {@code null} for no webhook API
     */
    public Gateway(
            Vertx vertx,
            GatewayConfig config,
            JobStore store,
            JobPublisher publisher,
            WebhookStore webhookStore,
            WebhookConfig webhookConfig,
            Clock clock,
            MeterRegistry meters) {
        this.vertx = vertx;
        this.config = config;
        this.webhooks =
                webhookStore == null ? null : new WebhookRoutes(vertx, webhookStore, store, webhookConfig, clock);
        this.jobs = new JobRoutes(
                vertx,
                config,
                store,
                publisher,
                webhooks == null ? url -> {} : webhooks::checkCallbackUrl,
                clock,
                meters);
        this.auth = new ApiKeyAuthenticator(config.apiKeys());
        this.httpMetrics = new HttpMetrics(meters);
    }

    /** Deploys the HTTP verticles; completes when the port is bound. */
    public Future<Void> start() {
        return vertx.deployVerticle(
                        () -> new GatewayVerticle(config, jobs, webhooks, auth, httpMetrics, port::set),
                        new DeploymentOptions().setInstances(config.instances()))
                .onSuccess(id -> deploymentId = id)
                .mapEmpty();
    }

    /** The port the API listens on. */
    public int port() {
        return port.get();
    }

    /** Stops accepting requests (in-flight ones are answered by Vert.x's graceful close) and releases resources. */
    public Future<Void> stop() {
        Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
        return undeployed.eventually(() -> {
            jobs.close();
            if (webhooks != null) {
                webhooks.close();
            }
            return Future.succeededFuture();
        });
    }
}
