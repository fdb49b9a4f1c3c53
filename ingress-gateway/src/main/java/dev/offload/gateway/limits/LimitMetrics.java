package dev.offload.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters of limits and shedding: {@code offload_ratelimit_checks_total{policy, outcome}} (outcome admitted, limited,
 * store-failed), {@code offload_requests_shed_total{reason}} and {@code offload_jobs_over_cap_total}. Thread-safe.
 */
final class LimitMetrics {
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    LimitMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void checked(String policy, String outcome) {
        counters.computeIfAbsent(
                        "check:" + policy + ":" + outcome,
                        k -> Counter.builder("offload.ratelimit.checks")
                                .description(
                                        "Rate-limit checks by policy and outcome (admitted, limited, store-failed)")
                                .tag("policy", policy)
                                .tag("outcome", outcome)
                                .register(meters))
                .increment();
    }

    void shed(String reason) {
        counters.computeIfAbsent(
                        "shed:" + reason,
                        k -> Counter.builder("offload.requests.shed")
                                .description("Submissions refused with 503 by load shedding, by reason")
                                .tag("reason", reason)
                                .register(meters))
                .increment();
    }

    void overCap() {
        counters.computeIfAbsent(
                        "cap",
                        k -> Counter.builder("offload.jobs.over.cap")
                                .description(
                                        "Submissions refused with 429 because the tenant had limits.maxUnfinishedJobs")
                                .register(meters))
                .increment();
    }
}
