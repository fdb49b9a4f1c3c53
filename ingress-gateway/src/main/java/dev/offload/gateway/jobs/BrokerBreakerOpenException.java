package dev.offload.gateway.jobs;

import java.time.Duration;

/**
 * A publish refused at once, without reaching the broker, because the queue's circuit breaker is open
 * ({@link GuardedPublisher}). The accept path answers it like any other publish failure: the job is abandoned and the
 * client gets 503, here with {@link #retryAfter()} (the breaker's {@code openFor}).
 */
final class BrokerBreakerOpenException extends RuntimeException {
    private final transient Duration retryAfter;

    BrokerBreakerOpenException(String message, Duration retryAfter) {
        super(message, null, false, false); // expected under an outage, and frequent: no stack trace
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
