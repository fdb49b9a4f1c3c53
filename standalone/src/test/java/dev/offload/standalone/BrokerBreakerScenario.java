package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.model.Job;
import dev.offload.store.JobQuery;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * The broker circuit breaker's life against a real broker, shared by the ITs of each broker (only how the broker goes
 * away and comes back differs): once the dead broker failed {@code gateway.brokerBreaker.minimumCalls} publishes, the
 * next submission gets its 503 + Retry-After without waiting for the publish timeout, readiness details and
 * {@code offload_circuit_breaker_state} show the breaker open and no refused job is left in the store; when the broker
 * is back the breaker half-opens after {@code openFor}, closes, and every job that got a 202 succeeds.
 */
final class BrokerBreakerScenario {
    static final Duration OPEN_FOR = Duration.ofSeconds(3);
    private static final int MINIMUM_CALLS = 4;
    private static final String BREAKER = "broker default";
    private static final String ECHO = "{\"type\":\"demo.echo\",\"payload\":1}";

    private BrokerBreakerScenario() {}

    /** A step that may throw. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /**
     * @param tweaks the cluster's broker settings, including a publish timeout of {@code publishTimeout}; the queue
     *     {@code default} runs on the broker that {@code takeAway} stops
     */
    static void opensAnswersAtOnceAndClosesWhenTheBrokerIsBack(
            UnaryOperator<Map<String, String>> tweaks, Duration publishTimeout, Action takeAway, Action bringBack)
            throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("gateway.brokerBreaker.window", String.valueOf(MINIMUM_CALLS));
            v.put("gateway.brokerBreaker.minimumCalls", String.valueOf(MINIMUM_CALLS));
            v.put("gateway.brokerBreaker.openFor", OPEN_FOR.toSeconds() + "s");
            v.put("gateway.brokerBreaker.halfOpenCalls", "2");
            return tweaks.apply(v);
        })) {
            ApiClient api = cluster.startGateway(p -> p, meters);
            ApiClient management = cluster.startManagement(meters);
            cluster.startWorker();
            List<String> accepted = new ArrayList<>(api.submitEchoes(3));
            takeAway.run();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                // At once: each may wait for the publish timeout.
                List<Future<ApiClient.Response>> failing = new ArrayList<>();
                for (int i = 0; i < MINIMUM_CALLS; i++) {
                    failing.add(clients.submit(() -> api.submit(ECHO)));
                }
                for (Future<ApiClient.Response> response : failing) {
                    assertThat(response.get().status()).isEqualTo(503);
                }
            }

            // An open breaker answers without waiting for the publish timeout.
            ApiClient.Response refused = api.submitRefusedAsUnavailable(ECHO, publishTimeout.dividedBy(4));

            assertThat(refused.json().path("detail").asText()).contains("gateway.brokerBreaker.openFor");
            assertThat(refused.header("Retry-After")).hasValue(String.valueOf(OPEN_FOR.toSeconds()));
            assertThat(breakerState(management)).isEqualTo("OPEN");
            assertThat(stateGauge(meters, "open")).isEqualTo(1.0);
            assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(100)).jobs())
                    .as("refused submissions leave no job behind")
                    .extracting(Job::id)
                    .containsExactlyInAnyOrderElementsOf(accepted);

            bringBack.run();
            // After openFor, trial publishes go through; they may still fail while the clients reconnect.
            accepted.add(api.awaitAcceptedEcho(Duration.ofSeconds(90)));
            accepted.addAll(api.submitEchoes(5));

            assertThat(breakerState(management)).isEqualTo("CLOSED");
            assertThat(stateGauge(meters, "closed")).isEqualTo(1.0);
            cluster.awaitSucceeded(accepted, Duration.ofSeconds(90));
        }
    }

    private static String breakerState(ApiClient management) {
        return management
                .get("/health/ready")
                .json()
                .path("checks")
                .path("circuitBreakers")
                .path("details")
                .path(BREAKER)
                .asText();
    }

    private static double stateGauge(PrometheusMeterRegistry meters, String state) {
        return meters.get("offload.circuit.breaker.state")
                .tags("name", BREAKER, "state", state)
                .gauge()
                .value();
    }
}
