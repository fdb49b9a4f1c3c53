package dev.offload.gateway.jobs;

import dev.offload.config.ConfigKey;
import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.TransportUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Publishes through a circuit breaker per queue (named {@code broker <queue>}, in the gateway's breaker registry, so
 * that its state shows in metrics and readiness details). A dead broker makes each publish wait for the publish
 * timeout; once {@code gateway.brokerBreaker.failureRate} percent of the last publishes to a queue failed that way
 * ({@link TransportUnavailableException}), further publishes to it fail at once for
 * {@code gateway.brokerBreaker.openFor}, then a few trial publishes decide whether it is back. A breaker per queue,
 * not per gateway, because queues may live on different brokers (Kafka and RabbitMQ). Failures that say nothing about
 * the broker's health (a queue unknown or missing on the broker) are not counted.
 *
 * <p>Thread-safe and non-blocking; the returned future completes where the publisher's does (the caller's context).
 */
final class GuardedPublisher {
    static final String BREAKER_PREFIX = "broker ";
    private final JobPublisher publisher;
    private final BrokerBreakerConfig config;
    private final Map<String, CircuitBreaker> breakers;

    /** Registers a breaker for each of {@code queues} in {@code registry} at once, so that readiness shows them all. */
    GuardedPublisher(
            JobPublisher publisher, Set<String> queues, BrokerBreakerConfig config, CircuitBreakerRegistry registry) {
        this.publisher = publisher;
        this.config = config;
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.window())
                .minimumNumberOfCalls(config.minimumCalls())
                .failureRateThreshold(config.failureRate())
                .waitDurationInOpenState(config.openFor())
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                // Checked first: a caller's error (unknown queue, queue missing on the broker) is neither a
                // failure nor a success of the broker, and a half-open trial that hits one is given back.
                .ignoreException(e -> !(e instanceof TransportUnavailableException))
                .recordException(e -> e instanceof TransportUnavailableException)
                .build();
        Map<String, CircuitBreaker> byQueue = new HashMap<>();
        queues.forEach(queue -> byQueue.put(queue, registry.circuitBreaker(BREAKER_PREFIX + queue, breakerConfig)));
        this.breakers = Map.copyOf(byQueue);
    }

    /**
     * {@link JobPublisher#publish}, or a {@link BrokerBreakerOpenException} at once while the queue's breaker is
     * open. A queue without a breaker (not configured) goes straight to the publisher, which refuses it.
     */
    Future<Void> publish(JobEnvelope envelope) {
        CircuitBreaker breaker = breakers.get(envelope.queue());
        if (breaker == null) {
            return publishUnguarded(envelope);
        }
        if (!breaker.tryAcquirePermission()) {
            return Future.failedFuture(open(envelope.queue()));
        }
        long start = System.nanoTime();
        return publishUnguarded(envelope).andThen(done -> {
            long took = System.nanoTime() - start;
            if (done.succeeded()) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, done.cause());
            }
        });
    }

    private Future<Void> publishUnguarded(JobEnvelope envelope) {
        try {
            return publisher.publish(envelope);
        } catch (RuntimeException e) {
            return Future.failedFuture(e); // e.g. a routing publisher refusing an unknown queue before any future
        }
    }

    private BrokerBreakerOpenException open(String queue) {
        return new BrokerBreakerOpenException(
                "the job broker of queue '" + queue + "' failed repeatedly and is given "
                        + ConfigKey.formatDuration(config.openFor()) + " to recover before it is tried again ("
                        + BrokerBreakerConfig.OPEN_FOR.name() + "); nothing was queued, retry later",
                config.openFor());
    }
}
