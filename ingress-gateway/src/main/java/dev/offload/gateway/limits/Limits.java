package dev.offload.gateway.limits;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.store.JobStore;
import dev.offload.store.RateLimitStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gateway's limits as one unit: the {@link RateLimiter}, the {@link LoadShedder} and the per-tenant cap on
 * unfinished jobs. One instance per gateway process, shared by its verticles. Thread-safe.
 */
public final class Limits implements AutoCloseable {
    private static final Duration OVER_CAP_RETRY_AFTER = Duration.ofSeconds(5);

    private final LimitsConfig config;
    private final RateLimiter rateLimiter;
    private final LoadShedder shedder;
    private final LimitMetrics metrics;

    private Limits(LimitsConfig config, RateLimiter rateLimiter, LoadShedder shedder, LimitMetrics metrics) {
        this.config = config;
        this.rateLimiter = rateLimiter;
        this.shedder = shedder;
        this.metrics = metrics;
    }

    /**
     * @param store the job store, whose PING latency the shedder watches
     * @param rateLimits the rate-limit buckets (Redis for several gateways, local for standalone)
     * @param backlog the broker's backlog probe (messages waiting), e.g. {@code transport::backlog}
     * @param maxCalls bound on rate-limit store calls in flight ({@code gateway.maxStoreCalls})
     */
    public static Limits create(
            Vertx vertx,
            LimitsConfig config,
            JobStore store,
            RateLimitStore rateLimits,
            Supplier<Future<Long>> backlog,
            int maxCalls,
            MeterRegistry meters) {
        LimitMetrics metrics = new LimitMetrics(meters);
        return new Limits(
                config,
                new RateLimiter(vertx, rateLimits, config, maxCalls, metrics),
                new LoadShedder(vertx, config, store, backlog, metrics, meters),
                metrics);
    }

    public LimitsConfig config() {
        return config;
    }

    /** The rate limiter, e.g. for a route's {@code rateLimit} option: {@code rateLimiter().handler(List.of(name))}. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public LoadShedder shedder() {
        return shedder;
    }

    /** Whether a cap on unfinished jobs per tenant is configured. */
    public boolean capsUnfinishedJobs() {
        return config.maxUnfinishedJobs() > 0;
    }

    /** Whether a tenant with {@code unfinished} jobs may submit one more. */
    public boolean admitsAnotherJob(long unfinished) {
        return !capsUnfinishedJobs() || unfinished < config.maxUnfinishedJobs();
    }

    /** The 429 for a tenant at its cap, counted in {@code offload_jobs_over_cap_total}. */
    public ApiException overCap() {
        metrics.overCap();
        return ApiException.of(
                        ErrorCode.QUOTA_EXCEEDED,
                        "you have " + config.maxUnfinishedJobs() + " unfinished jobs, the most allowed"
                                + " (limits.maxUnfinishedJobs); submit again once some have finished")
                .withRetryAfter(OVER_CAP_RETRY_AFTER)
                .with("maxUnfinishedJobs", config.maxUnfinishedJobs());
    }

    /** Starts the shedder's probes. */
    public void start() {
        shedder.start();
    }

    @Override
    public void close() {
        shedder.close();
        rateLimiter.close();
    }
}
