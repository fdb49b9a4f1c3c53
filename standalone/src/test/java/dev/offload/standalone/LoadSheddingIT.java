package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.testing.RedisFixture;
import dev.offload.testing.TcpProxy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Load shedding against a real gateway, Kafka and Redis: past {@code shedding.maxBrokerBacklog} new submissions get
 * 503 with Retry-After while polls keep working (and readiness stays UP, its details saying why submissions are
 * shed), and shedding stops once workers have caught up.
 */
class LoadSheddingIT {

    @Test
    void submissionsAreShedWhileTheBrokerBacklogIsPastItsBoundAndPollsKeepWorking() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TestCluster cluster = new TestCluster(values -> {
            values.putAll(Map.of("shedding.maxBrokerBacklog", "2", "shedding.probeInterval", "200ms"));
            return values;
        })) {
            ApiClient api = cluster.startGateway(p -> p, meters);
            ApiClient management = cluster.startManagement(meters);
            String job = "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":10}}";
            List<String> accepted = List.of(
                    api.submit(job).id(), api.submit(job).id(), api.submit(job).id());

            ApiClient.Response shed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.submit(job), response -> response.status() == 503);

            assertThat(shed.header("Retry-After")).isPresent();
            assertThat(shed.json().path("detail").asText()).contains("shedding.maxBrokerBacklog");
            for (String id : accepted) {
                ApiClient.Response poll = api.get("/v1/jobs/" + id);
                assertThat(poll.status()).isEqualTo(200);
                assertThat(poll.state()).isEqualTo("queued");
            }
            assertThat(api.get("/v1/jobs").status()).isEqualTo(200);
            ApiClient.Response ready = management.get("/health/ready");
            assertThat(ready.status())
                    .as("shedding does not make the gateway unready")
                    .isEqualTo(200);
            JsonNode shedding = ready.json().at("/checks/shedding");
            assertThat(shedding.path("status").asText()).isEqualTo("UP");
            assertThat(shedding.at("/details/shedding").asBoolean()).isTrue();
            assertThat(shedding.at("/details/reason").asText()).isEqualTo("broker-backlog");
            assertThat(shedding.at("/details/detail").asText()).contains("shedding.maxBrokerBacklog 2");
            assertThat(shedding.at("/details/brokerBacklog/bound").asLong()).isEqualTo(2);
            assertThat(shedding.at("/details/brokerBacklog/measured").asLong()).isGreaterThan(2);
            assertThat(shedding.at("/details/storeLatencyMs").isMissingNode())
                    .as("a bound that is not configured is not shown")
                    .isTrue();
            assertThat(meters.get("offload.requests.shed")
                            .tag("reason", "broker-backlog")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);

            cluster.startWorker(); // the workers catch up: the backlog clears

            ApiClient.Response acceptedAgain = await().atMost(Duration.ofSeconds(60))
                    .until(() -> api.submit(job), response -> response.status() == 202);
            assertThat(acceptedAgain.id()).isNotBlank();
            assertThat(meters.get("offload.gateway.shedding").gauge().value()).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(management
                                    .get("/health/ready")
                                    .json()
                                    .at("/checks/shedding/details/shedding")
                                    .asBoolean())
                            .isFalse());
        }
    }

    @Test
    void submissionsAreShedWhileTheStoreIsSlowerThanItsBound() throws Exception {
        URI redis = URI.create(RedisFixture.uri());
        try (TcpProxy slowRedis = TcpProxy.to(redis.getHost(), redis.getPort());
                TestCluster cluster = new TestCluster(values -> {
                    values.putAll(Map.of(
                            "store.redis.uri", "redis://127.0.0.1:" + slowRedis.port(),
                            "shedding.maxStoreLatency", "150ms",
                            "shedding.probeInterval", "200ms"));
                    return values;
                })) {
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ApiClient api = cluster.startGateway(p -> p, meters);
            ApiClient management = cluster.startManagement(meters);
            String job = "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":10},\"queue\":\"parked\"}";
            String id = api.submit(job).id();
            slowRedis.delay(Duration.ofMillis(150)); // a round trip now takes 300 ms and more

            ApiClient.Response shed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.submit(job), response -> response.status() == 503);

            assertThat(shed.header("Retry-After")).isPresent();
            assertThat(shed.json().path("detail").asText()).contains("shedding.maxStoreLatency");
            assertThat(api.get("/v1/jobs/" + id).status()).isEqualTo(200); // slow, but polls work
            ApiClient.Response ready = management.get("/health/ready");
            assertThat(ready.status())
                    .as("shedding does not make the gateway unready")
                    .isEqualTo(200);
            JsonNode shedding = ready.json().at("/checks/shedding/details");
            assertThat(shedding.path("shedding").asBoolean()).isTrue();
            assertThat(shedding.path("reason").asText()).isEqualTo("store-latency");
            assertThat(shedding.at("/storeLatencyMs/bound").asLong()).isEqualTo(150);
            // The last PING either came back too slow or outlived four bounds (then it is unknown: null).
            JsonNode measured = shedding.at("/storeLatencyMs/measured");
            assertThat(measured.isNull() || measured.asDouble() > 150)
                    .as(measured.toString())
                    .isTrue();

            slowRedis.delay(Duration.ZERO);

            await().atMost(Duration.ofSeconds(30)).until(() -> api.submit(job).status(), status -> status == 202);
        }
    }
}
