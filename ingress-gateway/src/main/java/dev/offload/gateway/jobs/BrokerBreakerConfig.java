package dev.offload.gateway.jobs;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of the circuit breakers around publishing to the broker (one per queue, see {@link GuardedPublisher}).
 * Immutable; every instance is valid (the constructor names the key of a bad value).
 *
 * @param window the last publishes per queue whose failure rate decides
 * @param minimumCalls publishes before the failure rate is judged at all; at most {@code window}
 * @param failureRate the failure percentage that opens the breaker
 * @param openFor how long an open breaker refuses publishes before letting trial publishes through
 * @param halfOpenCalls the trial publishes that decide whether the breaker closes again
 */
public record BrokerBreakerConfig(int window, int minimumCalls, int failureRate, Duration openFor, int halfOpenCalls) {
    private static final String GROUP = "Gateway";
    private static final String P = "gateway.brokerBreaker.";

    public static final ConfigKey<Integer> WINDOW = ConfigKey.in(GROUP, P + "window")
            .doc("Broker circuit breaker: the last publishes per queue whose failure rate decides (publishes the"
                    + " broker did not acknowledge within its publish timeout, or refused because it is down, fail;"
                    + " a queue missing on the broker does not count).")
            .integer(20, 1, 10_000);
    public static final ConfigKey<Integer> MINIMUM_CALLS = ConfigKey.in(GROUP, P + "minimumCalls")
            .doc("Broker circuit breaker: publishes before the failure rate is judged at all; at most"
                    + " gateway.brokerBreaker.window.")
            .integer(10, 1, 10_000);
    public static final ConfigKey<Integer> FAILURE_RATE = ConfigKey.in(GROUP, P + "failureRate")
            .doc("Broker circuit breaker: the failure percentage at which it opens; while open, submissions get 503"
                    + " with Retry-After at once instead of each waiting for the publish timeout.")
            .integer(50, 1, 100);
    public static final ConfigKey<Duration> OPEN_FOR = ConfigKey.in(GROUP, P + "openFor")
            .doc("Broker circuit breaker: how long it stays open before letting trial publishes through"
                    + " (half-open); also the Retry-After of a submission it refuses.")
            .duration(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofHours(1));
    public static final ConfigKey<Integer> HALF_OPEN_CALLS = ConfigKey.in(GROUP, P + "halfOpenCalls")
            .rare()
            .doc("Broker circuit breaker: trial publishes in half-open state; it closes if their failure rate is"
                    + " below gateway.brokerBreaker.failureRate, else opens again.")
            .integer(3, 1, 1000);

    public BrokerBreakerConfig {
        Objects.requireNonNull(openFor, OPEN_FOR.name());
        if (minimumCalls > window) {
            throw new IllegalArgumentException(minimumTooLarge(minimumCalls, window));
        }
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(WINDOW, MINIMUM_CALLS, FAILURE_RATE, OPEN_FOR, HALF_OPEN_CALLS);
    }

    /** Reads the keys; problems are recorded in {@code settings}. */
    public static BrokerBreakerConfig from(Settings settings) {
        int window = settings.get(WINDOW);
        int minimumCalls = settings.get(MINIMUM_CALLS);
        if (minimumCalls > window) {
            settings.reject(minimumTooLarge(minimumCalls, window));
            minimumCalls = window;
        }
        return new BrokerBreakerConfig(
                window,
                minimumCalls,
                settings.get(FAILURE_RATE),
                settings.get(OPEN_FOR),
                settings.get(HALF_OPEN_CALLS));
    }

    private static String minimumTooLarge(int minimumCalls, int window) {
        return MINIMUM_CALLS.name() + " must be at most " + WINDOW.name() + " (" + window + "), but was "
                + minimumCalls;
    }
}
