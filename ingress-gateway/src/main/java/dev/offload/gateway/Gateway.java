package dev.offload.gateway;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.http.HttpMetrics;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.limits.Limits;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.RateLimitStore;
import dev.offload.transport.JobPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
    private final Limits limits;
    private final AtomicInteger port = new AtomicInteger();
    private final RateLimitStore rateLimits;
    private String deploymentId;

    /**
     * A gateway over the given store and publisher, with rate-limit buckets in this process only and no broker
     * backlog probe: for a single gateway (standalone) and tests. Nothing listens until {@link #start()}.
     */
    public Gateway(
            Vertx vertx,
            GatewayConfig config,
            JobStore store,
            JobPublisher publisher,
            Clock clock,
            MeterRegistry meters) {
        this(
                vertx,
                config,
                store,
                publisher,
                JobStores.localRateLimits(clock),
                () -> Future.failedFuture(new UnsupportedOperationException("no broker backlog probe")),
                clock,
                meters);
    }

    /**
     * A gateway over the given store and publisher; nothing listens until {@link #start()}.
     *
     * @param rateLimits the rate-limit buckets, shared by all gateways that must enforce one limit (e.g.
     *     {@code JobStores.redisRateLimits}); closed by {@link #stop()}
     * @param backlog the broker backlog probe for load shedding (e.g. {@code transport::backlog})
     */
    public Gateway(
            Vertx vertx,
            GatewayConfig config,
            JobStore store,
            JobPublisher publisher,
            RateLimitStore rateLimits,
            Supplier<Future<Long>> backlog,
            Clock clock,
            MeterRegistry meters) {
        this.vertx = vertx;
        this.config = config;
        this.rateLimits = rateLimits;
        this.limits = Limits.create(vertx, config.limits(), store, rateLimits, backlog, config.maxStoreCalls(), meters);
        this.jobs = new JobRoutes(vertx, config, store, publisher, limits, clock, meters);
        this.auth = new ApiKeyAuthenticator(config.apiKeys());
        this.httpMetrics = new HttpMetrics(meters);
    }

    /** Deploys the HTTP verticles; completes when the port is bound. */
    public Future<Void> start() {
        return vertx.deployVerticle(
                        () -> new GatewayVerticle(config, jobs, auth, httpMetrics, port::set),
                        new DeploymentOptions().setInstances(config.instances()))
                .onSuccess(id -> {
                    deploymentId = id;
                    limits.start();
                })
                .mapEmpty();
    }

    /** The limits of this gateway, e.g. to put a rate-limit policy on a route ({@code limits().rateLimiter()}). */
    public Limits limits() {
        return limits;
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
            limits.close();
            rateLimits.close();
            return Future.succeededFuture();
        });
    }
}
