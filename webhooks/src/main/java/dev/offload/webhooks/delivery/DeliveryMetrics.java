package dev.offload.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's meters: {@code offload_webhook_deliveries_total{outcome}} (delivered, retrying, failed),
 * {@code offload_webhook_delivery_latency_seconds} (a histogram of attempts that got a response or timed out),
 * {@code offload_webhook_endpoints_disabled_total} and {@code offload_webhook_deliveries_pending}. No tag carries a URL
 * or a secret. Thread-safe.
 */
final class DeliveryMetrics {
    private final MeterRegistry meters;
    private final Timer latency;
    private final Counter disabled;
    private final AtomicLong pending = new AtomicLong();

    DeliveryMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.latency = Timer.builder("offload.webhook.delivery.latency")
                .description("Time from sending a webhook delivery request to its response")
                .publishPercentileHistogram()
                .register(meters);
        this.disabled = Counter.builder("offload.webhook.endpoints.disabled")
                .description("Webhook endpoints disabled (410 Gone, or failing for too long)")
                .register(meters);
        Gauge.builder("offload.webhook.deliveries.pending", pending, AtomicLong::get)
                .description("Webhook deliveries waiting for an attempt")
                .register(meters);
    }

    void attempt(String outcome, Duration took) {
        latency.record(took);
        Counter.builder("offload.webhook.deliveries")
                .description("Webhook delivery attempts by outcome")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    void endpointDisabled() {
        disabled.increment();
    }

    void pending(long count) {
        pending.set(count);
    }
}
