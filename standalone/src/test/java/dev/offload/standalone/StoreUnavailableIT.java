package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.JobQuery;
import dev.offload.store.JobStores;
import dev.offload.store.RedisStoreConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose submission writes cannot reach Redis answers 503 problem+json with Retry-After, within the store's
 * timeout, and keeps nothing: the failure path of the non-blocking writes, end to end over HTTP.
 */
class StoreUnavailableIT {

    @Test
    void submitAnswers503WhenTheWritesCannotReachRedisAndStoresNothing() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            RedisStoreConfig nowhere =
                    new RedisStoreConfig(URI.create("redis://127.0.0.1:1"), 2, Duration.ofMillis(500), "unused");
            ApiClient api = cluster.startGateway(JobStores.redisWrites(cluster.vertx(), nowhere));

            ApiClient.Response refused = api.submitRefusedAsUnavailable(
                    "{\"type\":\"demo.echo\",\"queue\":\"parked\"}", Duration.ofSeconds(8));

            assertThat(refused.json().path("detail").asText()).contains("result store is unavailable");
            assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(10)).jobs())
                    .isEmpty();
        }
    }
}
