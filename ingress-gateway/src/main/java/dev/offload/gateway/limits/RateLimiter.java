package dev.offload.gateway.limits;

import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.blocking.ConnectionThreads;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RateLimitStore.Admission;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks requests against named {@link RateLimitPolicy rate-limit policies}, exactly across all gateways sharing the
 * {@link RateLimitStore}. {@link #check} is the building block (one bucket, one store round trip); {@link #handler}
 * applies a list of policies to a route: it sets the {@code RateLimit-Policy} and {@code RateLimit} fields and fails
 * a refused request with 429 quota-exceeded and {@code Retry-After}.
 *
 * <p>The store blocks (Jedis), so each check runs on {@link ConnectionThreads} and comes back on the caller's context;
 * checks in flight are bounded. When the store cannot be reached (or the bound is hit), the check fails open or
 * closed as {@code limits.onStoreFailure} says, and {@code offload_ratelimit_checks_total{outcome="store-failed"}}
 * counts it. Thread-safe.
 */
public final class RateLimiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private static final Duration CLOSED_RETRY_AFTER = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final RateLimitStore store;
    private final LimitsConfig config;
    private final ClientAddress clients;
    private final LimitMetrics metrics;
    private final Semaphore permits;
    private final ConnectionThreads threads;

    RateLimiter(Vertx vertx, RateLimitStore store, LimitsConfig config, int maxCalls, LimitMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.config = config;
        this.clients = new ClientAddress(config.trustedProxies());
        this.metrics = metrics;
        this.permits = new Semaphore(maxCalls);
        this.threads = new ConnectionThreads("offload-ratelimit", store.maxConcurrentCalls());
    }

    /** A limiter over {@code store}; {@code maxCalls} bounds the store calls in flight. */
    public static RateLimiter create(
            Vertx vertx, RateLimitStore store, LimitsConfig config, int maxCalls, MeterRegistry meters) {
        return new RateLimiter(vertx, store, config, maxCalls, new LimitMetrics(meters));
    }

    /**
     * Takes one request from {@code key}'s bucket of {@code policy}. Completes on the caller's context with the
     * decision (a refused request is a decision, not a failure); fails with a 503 {@link ApiException} only if the
     * store cannot be reached and {@code limits.onStoreFailure} is {@code closed}.
     *
     * @param policy a policy name declared under {@code rateLimits}
     * @param key who the bucket belongs to, e.g. an API key id or a client address
     * @throws IllegalArgumentException if no policy has that name
     */
    public Future<RateLimitDecision> check(String policy, String key) {
        RateLimitPolicy declared = config.policies().get(policy);
        if (declared == null) {
            throw new IllegalArgumentException(
                    "no rate-limit policy '" + policy + "' (declare rateLimits." + policy + ".limit/.window/.by)");
        }
        return check(declared, key);
    }

    /**
     * A route handler that checks {@code policies} (names under {@code rateLimits}) in order and continues only if
     * all admit the request. Mount it after authentication, so that {@code by: apiKey} sees the key.
     */
    public Handler<RoutingContext> handler(List<String> policies) {
        List<RateLimitPolicy> checked = config.policies(policies);
        if (checked.contains(null)) {
            throw new IllegalArgumentException("unknown rate-limit policy among " + policies);
        }
        return ctx -> apply(ctx, checked);
    }

    /** The client addresses as limits see them (trusted proxies applied). */
    public ClientAddress clientAddress() {
        return clients;
    }

    private void apply(RoutingContext ctx, List<RateLimitPolicy> policies) {
        if (policies.isEmpty()) {
            ctx.next();
            return;
        }
        List<Future<RateLimitDecision>> checks = new ArrayList<>();
        for (RateLimitPolicy policy : policies) {
            checks.add(check(policy, partitionKey(ctx, policy)));
        }
        Future.all(checks)
                .onSuccess(all -> {
                    List<RateLimitDecision> decisions = all.list();
                    ctx.response().putHeader(RateLimitHeaders.POLICY, RateLimitHeaders.policy(decisions));
                    String current = RateLimitHeaders.limit(decisions);
                    if (!current.isEmpty()) {
                        ctx.response().putHeader(RateLimitHeaders.LIMIT, current);
                    }
                    List<RateLimitDecision> refused =
                            decisions.stream().filter(d -> !d.admitted()).toList();
                    if (refused.isEmpty()) {
                        ctx.next();
                    } else {
                        ctx.fail(quotaExceeded(refused));
                    }
                })
                .onFailure(ctx::fail);
    }

    private String partitionKey(RoutingContext ctx, RateLimitPolicy policy) {
        if (policy.partition() == RateLimitPolicy.Partition.API_KEY) {
            String keyId = ApiKeyAuthenticator.keyId(ctx);
            if (keyId != null) {
                return "key:" + keyId;
            }
        }
        return "ip:" + clients.of(ctx.request());
    }

    private static ApiException quotaExceeded(List<RateLimitDecision> refused) {
        Duration retryAfter = refused.stream()
                .map(RateLimitDecision::retryAfter)
                .max(Duration::compareTo)
                .orElse(Duration.ofSeconds(1));
        RateLimitDecision first = refused.getFirst();
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return ApiException.of(
                        ErrorCode.QUOTA_EXCEEDED,
                        "rate limit '" + first.policy().name() + "' ("
                                + first.policy().limit() + " requests per "
                                + first.policy().window().toSeconds() + " s) is used up; retry in " + seconds + " s")
                .withRetryAfter(Duration.ofSeconds(seconds))
                .with("policy", first.policy().name());
    }

    private Future<RateLimitDecision> check(RateLimitPolicy policy, String key) {
        if (!permits.tryAcquire()) {
            return storeFailed(policy, "too many rate-limit checks in flight");
        }
        String bucket =
                policy.name() + ":" + policy.limit() + ":" + policy.window().toSeconds() + ":" + key;
        CompletableFuture<Admission> admitted = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return store.admit(bucket, policy.limit(), policy.window());
                    } finally {
                        permits.release();
                    }
                },
                threads);
        return Future.fromCompletionStage(admitted, vertx.getOrCreateContext())
                .map(admission -> decided(policy, admission))
                .recover(failure -> storeFailed(policy, String.valueOf(failure.getMessage())));
    }

    private RateLimitDecision decided(RateLimitPolicy policy, Admission admission) {
        metrics.checked(policy.name(), admission.admitted() ? "admitted" : "limited");
        return new RateLimitDecision(
                policy, admission.admitted(), admission.remaining(), admission.reset(), admission.retryAfter());
    }

    private Future<RateLimitDecision> storeFailed(RateLimitPolicy policy, String why) {
        metrics.checked(policy.name(), "store-failed");
        if (config.failOpen()) {
            LOG.debug("rate limit {} not checked, letting the request through: {}", policy.name(), why);
            return Future.succeededFuture(RateLimitDecision.unchecked(policy));
        }
        return Future.failedFuture(ApiException.unavailable(
                "rate limits cannot be checked right now (limits.onStoreFailure is closed); retry later",
                CLOSED_RETRY_AFTER));
    }

    /** Stops the store calls' threads; the store belongs to the caller. */
    @Override
    public void close() {
        threads.close();
    }
}
