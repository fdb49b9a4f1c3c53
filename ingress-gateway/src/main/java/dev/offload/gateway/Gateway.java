package dev.offload.gateway;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.cache.AsyncCacheStore;
import dev.offload.gateway.cache.CacheMetrics;
import dev.offload.gateway.cache.ResponseCache;
import dev.offload.gateway.http.HttpMetrics;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.limits.Limits;
import dev.offload.gateway.webhooks.WebhookRoutes;
import dev.offload.store.RateLimitStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingress gateway: the HTTP job API (and the webhook API when its backends have a webhook store) on
 * {@link GatewayConfig#instances()} event loops. Stateless: all state is in the store, the cache and the broker, so any
 * number of gateways can serve one deployment behind a load balancer.
 *
 * <p>Create it, then {@link #start()}; {@link #stop()} stops accepting and releases resources. Thread-safe; start and
 * stop return futures and never block.
 */
public final class Gateway {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final JobRoutes jobs;
    private final WebhookRoutes webhooks;
    private final ApiKeyAuthenticator auth;
    private final HttpMetrics httpMetrics;
    private final AsyncCacheStore cacheStore;
    private final ResponseCache responseCache;
    private final Limits limits;
    private final RateLimitStore rateLimits;
    private final AtomicInteger port = new AtomicInteger();
    private String deploymentId;

    /** A gateway over the given backends; nothing listens until {@link #start()}. */
    public Gateway(Vertx vertx, GatewayConfig config, GatewayBackends backends, Clock clock, MeterRegistry meters) {
        this.vertx = vertx;
        this.config = config;
        this.cacheStore = new AsyncCacheStore(vertx, backends.cache(), config.maxStoreCalls());
        CacheMetrics cacheMetrics = new CacheMetrics(meters);
        this.responseCache = new ResponseCache(vertx, cacheStore, config.cache(), cacheMetrics, clock);
        this.rateLimits = backends.rateLimits();
        this.limits = Limits.create(
                vertx,
                config.limits(),
                backends.store(),
                rateLimits,
                backends.backlog(),
                config.maxStoreCalls(),
                meters);
        this.webhooks = backends.webhookStore() == null
                ? null
                : new WebhookRoutes(vertx, backends.webhookStore(), backends.store(), backends.webhookConfig(), clock);
        this.jobs = new JobRoutes(
                vertx,
                config,
                backends.store(),
                cacheStore,
                cacheMetrics,
                backends.publisher(),
                limits,
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
                .onSuccess(id -> {
                    deploymentId = id;
                    limits.start();
                })
                .mapEmpty();
    }

    /** The response cache, for the routes that proxy to upstreams. */
    public ResponseCache responseCache() {
        return responseCache;
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
            if (webhooks != null) {
                webhooks.close();
            }
            limits.close();
            rateLimits.close();
            cacheStore.close();
            return Future.succeededFuture();
        });
    }
}
