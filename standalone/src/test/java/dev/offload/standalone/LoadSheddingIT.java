package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.testing.RedisFixture;
import dev.offload.testing.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Load shedding against a real gateway, Kafka and Redis: past {@code shedding.maxBrokerBacklog} new submissions get
 * 503 with Retry-After while polls keep working, and shedding stops once workers have caught up.
 */
class LoadSheddingIT {

    @Test
    void submissionsAreShedWhileTheBrokerBacklogIsPastItsBoundAndPollsKeepWorking() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestCluster cluster = new TestCluster(values -> {
            values.putAll(Map.of("shedding.maxBrokerBacklog", "2", "shedding.probeInterval", "200ms"));
            return values;
        })) {
            ApiClient api = cluster.startGateway(p -> p, meters);
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
            ApiClient api = cluster.startGateway();
            String job = "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":10},\"queue\":\"parked\"}";
            String id = api.submit(job).id();
            slowRedis.delay(Duration.ofMillis(150)); // a round trip now takes 300 ms and more

            ApiClient.Response shed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.submit(job), response -> response.status() == 503);

            assertThat(shed.header("Retry-After")).isPresent();
            assertThat(shed.json().path("detail").asText()).contains("shedding.maxStoreLatency");
            assertThat(api.get("/v1/jobs/" + id).status()).isEqualTo(200); // slow, but polls work

            slowRedis.delay(Duration.ZERO);

            await().atMost(Duration.ofSeconds(30)).until(() -> api.submit(job).status(), status -> status == 202);
        }
    }
}
