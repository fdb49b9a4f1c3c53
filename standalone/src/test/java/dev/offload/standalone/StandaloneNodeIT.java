package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.config.Settings;
import dev.offload.kafka.embedded.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone wiring as the CLI runs it (embedded broker, embedded file-backed store, gateway, worker and
 * management port in one JVM): jobs run, health and metrics answer, and finished jobs survive a restart.
 */
class StandaloneNodeIT {
    private static final String KEY = "standalone-test-key-0001";

    @Test
    void finishedJobsSurviveARestartAndManagementAnswers(@TempDir Path data) throws Exception {
        String id;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), 0)) {
            try (OffloadNode node = start(data, broker)) {
                ApiClient api = new ApiClient("http://127.0.0.1:" + node.apiPort(), KEY);
                ApiClient.Response done = api.submit("{\"type\":\"demo.echo\",\"payload\":7}", "Prefer", "wait=30");
                assertThat(done.status()).isEqualTo(200);
                id = done.id();

                ApiClient management = new ApiClient("http://127.0.0.1:" + node.managementPort(), null);
                ApiClient.Response ready = management.get("/health/ready");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.json()
                                .path("checks")
                                .path("store")
                                .path("status")
                                .asText())
                        .isEqualTo("UP");
                assertThat(ready.json()
                                .path("checks")
                                .path("broker")
                                .path("status")
                                .asText())
                        .isEqualTo("UP");
                assertThat(management.get("/health/live").status()).isEqualTo(200);
                String metrics = new String(management.get("/metrics").bytes());
                assertThat(metrics)
                        .contains(
                                "offload_jobs_submitted_total",
                                "offload_jobs_succeeded_total",
                                "offload_http_server_requests_seconds_bucket");
            }
            try (OffloadNode node = start(data, broker)) {
                ApiClient api = new ApiClient("http://127.0.0.1:" + node.apiPort(), KEY);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() ->
                                assertThat(api.get("/v1/jobs/" + id).state()).isEqualTo("succeeded"));
                assertThat(api.get("/v1/jobs/" + id + "/result").json().asInt()).isEqualTo(7);
            }
        }
    }

    @Test
    void readinessReportsTheBrokerDownWhileItIsAwayAndUpWhenItIsBack(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), port);
        try (OffloadNode node = start(data, broker)) {
            ApiClient management = new ApiClient("http://127.0.0.1:" + node.managementPort(), null);
            assertThat(management.get("/health/ready").status()).isEqualTo(200);

            broker.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ApiClient.Response ready = management.get("/health/ready");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().at("/checks/broker/status").asText()).isEqualTo("DOWN");
                assertThat(ready.json().at("/checks/store/status").asText()).isEqualTo("UP");
            });
            assertThat(management.get("/health/live").status())
                    .as("liveness does not depend on the broker: restarting the process would not help")
                    .isEqualTo(200);

            broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), port);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            assertThat(management.get("/health/ready").status()).isEqualTo(200));
        } finally {
            broker.close();
        }
    }

    private static OffloadNode start(Path data, EmbeddedKafkaBroker broker) {
        Settings settings = Settings.of(Map.of(
                "store.type", "embedded",
                "transport.kafka.bootstrapServers", broker.bootstrapServers(),
                "gateway.host", "127.0.0.1",
                "gateway.port", "0",
                "management.host", "127.0.0.1",
                "management.port", "0",
                "gateway.apiKeys", KEY + "=default",
                "worker.shutdownGrace", "5s"));
        return OffloadNode.start(settings, new OffloadNode.Roles(true, true), data);
    }
}
