package dev.offload.gateway;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.cache.AsyncCacheStore;
import dev.offload.gateway.cache.CacheMetrics;
import dev.offload.gateway.cache.ResponseCache;
import dev.offload.gateway.http.HttpMetrics;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.limits.Limits;
import dev.offload.gateway.management.HealthCheck;
import dev.offload.gateway.proxy.ProxyInterceptor;
import dev.offload.gateway.proxy.RouteHandler;
import dev.offload.gateway.proxy.SyncProxy;
import dev.offload.gateway.proxy.UpstreamGuards;
import dev.offload.gateway.routes.RouteConfig;
import dev.offload.gateway.routes.RouteMode;
import dev.offload.gateway.webhooks.WebhookRoutes;
import dev.offload.model.JsonWarmUp;
import dev.offload.store.RateLimitStore;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TimeLimiterMetricNames;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingress gateway: the HTTP job API, the webhook API (when its backends have a webhook store) and the configured
 * offload and proxy routes, on {@link GatewayConfig#instances()} event loops. Stateless: all state is in the store,
 * the cache and the broker, so any number of gateways can serve one deployment behind a load balancer.
 *
 * <p>Create it, then {@link #start()}; {@link #stop()} stops accepting and releases resources. Thread-safe; start and
 * stop return futures and never block.
 */
public final class Gateway {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final JobRoutes jobs;
    private final WebhookRoutes webhooks;
    private final RouteHandler routes;
    private final SyncProxy proxy;
    private final ApiKeyAuthenticator auth;
    private final HttpMetrics httpMetrics;
    private final AsyncCacheStore cacheStore;
    private final ResponseCache responseCache;
    private final Limits limits;
    private final RateLimitStore rateLimits;
    /** Every circuit breaker of the gateway: the store's, one per queue around publishing, one per upstream. */
    private final CircuitBreakerRegistry breakers;

    private final AtomicInteger port = new AtomicInteger();
    private String deploymentId;

    /**
     * A gateway over the given backends, its sync routes without interceptors (their {@code rateLimit} and
     * {@code cache} options need none); nothing listens until started.
     */
    public Gateway(Vertx vertx, GatewayConfig config, GatewayBackends backends, Clock clock, MeterRegistry meters) {
        this(vertx, config, backends, clock, meters, List.of());
    }

    /**
     * A gateway whose sync route calls pass through {@code interceptors} in order (after the route's own rate limits,
     * before its response cache); nothing listens until {@link #start()}.
     */
    public Gateway(
            Vertx vertx,
            GatewayConfig config,
            GatewayBackends backends,
            Clock clock,
            MeterRegistry meters,
            List<ProxyInterceptor> interceptors) {
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
        this.breakers = CircuitBreakerRegistry.ofDefaults();
        this.jobs = new JobRoutes(
                vertx,
                config,
                backends.store(),
                backends.writes(),
                cacheStore,
                cacheMetrics,
                backends.publisher(),
                limits,
                webhooks == null ? url -> {} : webhooks::checkCallbackUrl,
                clock,
                meters,
                breakers);
        this.auth = new ApiKeyAuthenticator(config.apiKeys());
        this.httpMetrics = new HttpMetrics(meters);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(
                        CircuitBreakerMetricNames.custom()
                                .callsMetricName("offload.circuit.breaker.calls")
                                .stateMetricName("offload.circuit.breaker.state")
                                .bufferedCallsMetricName("offload.circuit.breaker.buffered.calls")
                                .failureRateMetricName("offload.circuit.breaker.failure.rate")
                                .slowCallRateMetricName("offload.circuit.breaker.slow.call.rate")
                                .slowCallsMetricName("offload.circuit.breaker.slow.calls")
                                .notPermittedCallsMetricName("offload.circuit.breaker.not.permitted.calls")
                                .build(),
                        breakers)
                .bindTo(meters);
        TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(
                        TimeLimiterMetricNames.custom()
                                .callsMetricName("offload.time.limiter.calls")
                                .build(),
                        timeLimiters)
                .bindTo(meters);
        // Async routes are replayed by workers, so only sync routes get pooled clients, breakers and bulkheads here.
        List<RouteConfig> syncRoutes = config.routes().all().stream()
                .filter(r -> r.mode() == RouteMode.SYNC)
                .toList();
        this.proxy = new SyncProxy(
                vertx,
                syncRoutes,
                responseCache,
                interceptors,
                new UpstreamGuards(breakers, BulkheadRegistry.ofDefaults(), timeLimiters));
        this.routes = new RouteHandler(config.routes(), proxy, jobs, auth, limits.rateLimiter());
    }

    /**
     * Readiness details of the gateway's own guards: {@code circuitBreakers}, the state of every circuit breaker (the
     * store's, {@code store}; one per queue around publishing, {@code broker <queue>}; one per sync-route upstream,
     * {@code <route> <base URL>}), and {@code shedding}, whether new submissions are shed and why. Neither makes the
     * gateway unready, so both checks always pass: an open breaker leaves the other routes working (the store and
     * broker checks say whether those are down), and while shedding, polls keep working.
     */
    public List<HealthCheck> healthChecks() {
        return List.of(
                new HealthCheck("circuitBreakers", () -> Future.succeededFuture(breakerStates())),
                new HealthCheck(
                        "shedding",
                        () -> Future.succeededFuture(limits.shedder().state())));
    }

    private Map<String, Object> breakerStates() {
        Map<String, Object> states = new LinkedHashMap<>();
        breakers.getAllCircuitBreakers()
                .forEach(b -> states.put(b.getName(), b.getState().name()));
        return states;
    }

    /** Deploys the HTTP verticles; completes when the port is bound. */
    public Future<Void> start() {
        // Off the event loop: tens of milliseconds of CPU in a fresh process, which its first requests would wait for.
        return vertx.executeBlocking(
                        () -> {
                            JsonWarmUp.run();
                            return null;
                        },
                        false)
                .compose(warm -> vertx.deployVerticle(
                        () -> new GatewayVerticle(config, jobs, webhooks, routes, auth, httpMetrics, port::set),
                        new DeploymentOptions().setInstances(config.instances())))
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
            proxy.close();
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
