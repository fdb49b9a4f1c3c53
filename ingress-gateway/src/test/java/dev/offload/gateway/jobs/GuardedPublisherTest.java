package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnknownQueueException;
import dev.offload.transport.UnroutableJobException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The breaker around publishing counts only broker outages, fails fast while open and closes after good trials. */
class GuardedPublisherTest {
    private static final int MINIMUM_CALLS = 4;
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final FakePublisher broker = new FakePublisher();

    @Test
    void anUnavailableBrokerOpensTheBreakerAndLaterPublishesFailAtOnceWithoutReachingIt() {
        GuardedPublisher guarded = guarded(Duration.ofHours(1));
        broker.answer(() -> Future.failedFuture(new TransportUnavailableException("no ack within 10s", null)));
        for (int i = 0; i < MINIMUM_CALLS; i++) {
            assertThat(guarded.publish(envelope("default")).cause()).isInstanceOf(TransportUnavailableException.class);
        }

        Future<Void> refused = guarded.publish(envelope("default"));

        assertThat(refused.cause()).isInstanceOfSatisfying(BrokerBreakerOpenException.class, e -> {
            assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1));
            assertThat(e.getMessage()).contains("queue 'default'", "gateway.brokerBreaker.openFor");
        });
        assertThat(broker.calls).hasValue(MINIMUM_CALLS);
        assertThat(breaker("default").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void anOpenBreakerOfOneQueueLeavesTheOtherQueuesPublishing() {
        GuardedPublisher guarded = guarded(Duration.ofHours(1));
        broker.answer(() -> Future.failedFuture(new TransportUnavailableException("down", null)));
        for (int i = 0; i < MINIMUM_CALLS; i++) {
            guarded.publish(envelope("default"));
        }
        broker.answer(Future::succeededFuture);

        Future<Void> other = guarded.publish(envelope("parked"));

        assertThat(other.succeeded()).isTrue();
        assertThat(breaker("parked").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void callerErrorsAreNeitherFailuresNorSuccessesOfTheBroker() {
        GuardedPublisher guarded = guarded(Duration.ofHours(1));
        broker.answer(() -> Future.failedFuture(new UnroutableJobException("no queue bound")));
        for (int i = 0; i < 2 * MINIMUM_CALLS; i++) {
            assertThat(guarded.publish(envelope("default")).cause()).isInstanceOf(UnroutableJobException.class);
        }
        broker.answer(() -> {
            throw new UnknownQueueException("default"); // a routing publisher refuses before any future
        });
        assertThat(guarded.publish(envelope("default")).cause()).isInstanceOf(UnknownQueueException.class);

        assertThat(breaker("default").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker("default").getMetrics().getNumberOfBufferedCalls()).isZero();
        assertThat(broker.calls).hasValue(2 * MINIMUM_CALLS + 1);
    }

    @Test
    void afterItsOpenTimeTrialPublishesThatSucceedCloseTheBreaker() {
        GuardedPublisher guarded = guarded(Duration.ofMillis(10));
        broker.answer(() -> Future.failedFuture(new TransportUnavailableException("down", null)));
        for (int i = 0; i < MINIMUM_CALLS; i++) {
            guarded.publish(envelope("default"));
        }
        assertThat(breaker("default").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        broker.answer(Future::succeededFuture);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> guarded.publish(envelope("default")).succeeded());

        assertThat(breaker("default").getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(guarded.publish(envelope("default")).succeeded()).isTrue();
        assertThat(breaker("default").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aMinimumOfCallsBeyondTheWindowIsRejectedNamingBothKeys() {
        Settings settings =
                Settings.of(Map.of("gateway.brokerBreaker.window", "5", "gateway.brokerBreaker.minimumCalls", "6"));

        BrokerBreakerConfig.from(settings);

        assertThatThrownBy(() -> settings.validate(BrokerBreakerConfig.keys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "gateway.brokerBreaker.minimumCalls must be at most gateway.brokerBreaker.window (5), but"
                                + " was 6");
    }

    private GuardedPublisher guarded(Duration openFor) {
        BrokerBreakerConfig config = new BrokerBreakerConfig(MINIMUM_CALLS, MINIMUM_CALLS, 50, openFor, 2);
        return new GuardedPublisher(broker, Set.of("default", "parked"), config, registry);
    }

    private CircuitBreaker breaker(String queue) {
        return registry.circuitBreaker(GuardedPublisher.BREAKER_PREFIX + queue);
    }

    private static JobEnvelope envelope(String queue) {
        return new JobEnvelope("01JD3V5X7Q8R9S0T1V2W3X4Y5Z", "t", "demo.echo", queue, 1, 0, Instant.now(), null, null);
    }

    /** A broker whose every publish answers as told, counting the publishes that reached it. */
    private static final class FakePublisher implements JobPublisher {
        final AtomicInteger calls = new AtomicInteger();
        private volatile Supplier<Future<Void>> answer = Future::succeededFuture;

        void answer(Supplier<Future<Void>> next) {
            answer = next;
        }

        @Override
        public Future<Void> publish(JobEnvelope envelope) {
            calls.incrementAndGet();
            return answer.get();
        }

        @Override
        public Future<Void> checkHealth() {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }
}
