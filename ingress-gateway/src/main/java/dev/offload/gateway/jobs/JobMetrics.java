package dev.offload.gateway.jobs;

import dev.offload.model.Job;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnroutableJobException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** The gateway's job meters ({@code offload_jobs_submitted_total}, ...). Thread-safe. */
final class JobMetrics {
    private final MeterRegistry meters;
    /** type → queue → counter; both are bounded by configuration (jobs.types, transport.queues). */
    private final Map<String, Map<String, Counter>> submitted = new ConcurrentHashMap<>();

    JobMetrics(MeterRegistry meters, IntSupplier waiting, IntSupplier storeCalls) {
        this.meters = meters;
        Gauge.builder("offload.gateway.waiting.requests", waiting::getAsInt)
                .description(
                        "Requests held open by long-polls and Prefer: wait (bounded by gateway.maxWaitingRequests)")
                .register(meters);
        Gauge.builder("offload.gateway.store.calls", storeCalls::getAsInt)
                .description("Store calls in flight (bounded by gateway.maxStoreCalls)")
                .register(meters);
    }

    void submitted(Job job) {
        // On every accepted job: look the counter up by its two tags instead of building and registering a meter id.
        submitted
                .computeIfAbsent(job.spec().type(), type -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        job.spec().queue(),
                        queue -> Counter.builder("offload.jobs.submitted")
                                .description("Jobs accepted (durable in the store and acknowledged by the broker)")
                                .tag("type", job.spec().type())
                                .tag("queue", queue)
                                .register(meters))
                .increment();
    }

    void rejected(Throwable why) {
        Counter.builder("offload.jobs.rejected")
                .description("Submissions refused with 503 because the broker did not take the job")
                .tag(
                        "reason",
                        switch (why) {
                            case TransportUnavailableException e -> "broker-unavailable";
                            case UnroutableJobException e -> "queue-missing";
                            case BrokerBreakerOpenException e -> "broker-breaker-open";
                            default -> "error";
                        })
                .register(meters)
                .increment();
    }
}
