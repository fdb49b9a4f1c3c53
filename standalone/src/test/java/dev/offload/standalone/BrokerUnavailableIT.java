package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.kafka.embedded.EmbeddedKafkaBroker;
import dev.offload.model.Job;
import dev.offload.model.JobState;
import dev.offload.store.JobQuery;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose broker is away answers 503 quickly (at once once its breaker opened), keeps nothing, and recovers
 * when the broker returns.
 */
class BrokerUnavailableIT {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration OPEN_FOR = Duration.ofSeconds(3);
    private static final int MINIMUM_CALLS = 4;
    private static final String BREAKER = "broker default";
    private static final String ECHO = "{\"type\":\"demo.echo\",\"payload\":1}";

    @Test
    void submitAnswers503WithinItsTimeoutAndRecoversWhenTheBrokerIsBack() throws Exception {
        Path dir = Files.createTempDirectory("offload-broker-outage");
        int port = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port);
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("transport.kafka.bootstrapServers", broker.bootstrapServers());
            v.put("transport.kafka.publishTimeout", "2s");
            return v;
        })) {
            ApiClient api = cluster.startGateway();
            assertThat(api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}")
                            .status())
                    .isEqualTo(202);
            broker.close();

            long start = System.nanoTime();
            ApiClient.Response refused = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(refused.json().path("type").asText()).endsWith("/service-unavailable");
            assertThat(took).isLessThan(Duration.ofSeconds(8));
            assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(10)).jobs())
                    .hasSize(1);

            EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dir, port);
            try {
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}")
                                        .status()
                                == 202);
            } finally {
                restarted.close();
            }
        }
    }

    /**
     * The broker breaker: once the dead broker failed {@code gateway.brokerBreaker.minimumCalls} publishes, the next
     * submissions get their 503 without waiting for the publish timeout; readiness and metrics show it open; when the
     * broker is back it half-opens after {@code openFor}, closes, and every job that got a 202 succeeds.
     */
    @Test
    void anOpenBrokerBreakerAnswers503AtOnceAndClosesWhenTheBrokerIsBack() throws Exception {
        Path dir = Files.createTempDirectory("offload-broker-breaker");
        int port = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("transport.kafka.bootstrapServers", broker.bootstrapServers());
            v.put("transport.kafka.publishTimeout", PUBLISH_TIMEOUT.toMillis() + "ms");
            v.put("gateway.brokerBreaker.window", String.valueOf(MINIMUM_CALLS));
            v.put("gateway.brokerBreaker.minimumCalls", String.valueOf(MINIMUM_CALLS));
            v.put("gateway.brokerBreaker.openFor", OPEN_FOR.toSeconds() + "s");
            v.put("gateway.brokerBreaker.halfOpenCalls", "2");
            return v;
        })) {
            ApiClient api = cluster.startGateway(p -> p, meters);
            ApiClient management = cluster.startManagement(meters);
            cluster.startWorker();
            List<String> accepted = new ArrayList<>(submitAll(api, 3));
            broker.close();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ApiClient.Response>> timedOut = new ArrayList<>();
                for (int i = 0; i < MINIMUM_CALLS; i++) {
                    timedOut.add(clients.submit(() -> api.submit(ECHO)));
                }
                for (Future<ApiClient.Response> response : timedOut) {
                    assertThat(response.get().status()).isEqualTo(503);
                }
            }

            long start = System.nanoTime();
            ApiClient.Response refused = api.submit(ECHO);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("type").asText()).endsWith("/service-unavailable");
            assertThat(refused.json().path("detail").asText()).contains("gateway.brokerBreaker.openFor");
            assertThat(refused.header("Retry-After")).hasValue(String.valueOf(OPEN_FOR.toSeconds()));
            assertThat(took)
                    .as("an open breaker answers without waiting for the publish timeout")
                    .isLessThan(PUBLISH_TIMEOUT.dividedBy(4));
            assertThat(breakerState(management)).isEqualTo("OPEN");
            assertThat(meters.get("offload.circuit.breaker.state")
                            .tags("name", BREAKER, "state", "open")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(100)).jobs())
                    .as("refused submissions leave no job behind")
                    .extracting(Job::id)
                    .containsExactlyInAnyOrderElementsOf(accepted);

            EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dir, port);
            try {
                // After openFor, trial publishes go through; they may still time out while the producer reconnects.
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            ApiClient.Response again = api.submit(ECHO);
                            if (again.status() == 202) {
                                accepted.add(again.id());
                                return true;
                            }
                            return false;
                        });
                accepted.addAll(submitAll(api, 5));

                assertThat(breakerState(management)).isEqualTo("CLOSED");
                assertThat(meters.get("offload.circuit.breaker.state")
                                .tags("name", BREAKER, "state", "closed")
                                .gauge()
                                .value())
                        .isEqualTo(1.0);
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(accepted)
                                .allSatisfy(id -> assertThat(cluster.store()
                                                .find(id)
                                                .orElseThrow()
                                                .state())
                                        .as(id)
                                        .isEqualTo(JobState.SUCCEEDED)));
            } finally {
                restarted.close();
            }
        } finally {
            broker.close();
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

    private static List<String> submitAll(ApiClient api, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Response response = api.submit(ECHO);
            assertThat(response.status()).isEqualTo(202);
            ids.add(response.id());
        }
        return ids;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
