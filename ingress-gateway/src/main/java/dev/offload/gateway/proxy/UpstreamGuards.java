package dev.offload.gateway.proxy;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.util.Objects;

/**
 * Where the {@link SyncProxy} registers the guards of each sync-route upstream, all named {@code <route> <base URL>}:
 * a circuit breaker, a bulkhead and a time limiter. Whoever creates the registries binds their metrics. Thread-safe.
 */
public record UpstreamGuards(
        CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, TimeLimiterRegistry timeLimiters) {

    public UpstreamGuards {
        Objects.requireNonNull(breakers, "breakers");
        Objects.requireNonNull(bulkheads, "bulkheads");
        Objects.requireNonNull(timeLimiters, "timeLimiters");
    }
}
