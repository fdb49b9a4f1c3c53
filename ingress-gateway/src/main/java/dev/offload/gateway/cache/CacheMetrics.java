package dev.offload.gateway.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code offload_cache_requests_total{cache, result}}: requests the caches answered, by cache (a route's name or a
 * job type, both bounded by configuration) and result: {@code hit}, {@code miss}, {@code stale} (revalidated with a
 * 304), {@code bypass} (neither looked up nor stored: not GET/HEAD, {@code no-store}, {@code private}, too large, …).
 * Thread-safe.
 */
public final class CacheMetrics {
    /** The result tag for requests the cache did not take part in. */
    public static final String BYPASS = "bypass";

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CacheMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void record(String cache, CacheStatus status) {
        record(cache, status.tag());
    }

    /** Counts one request of {@code cache} with {@code result} (hit, miss, stale or bypass). */
    public void record(String cache, String result) {
        counters.computeIfAbsent(
                        cache + '\u0000' + result,
                        ignored -> Counter.builder("offload.cache.requests")
                                .description("Requests answered by the response and job-result caches, by result")
                                .tag("cache", cache)
                                .tag("result", result)
                                .register(meters))
                .increment();
    }
}
