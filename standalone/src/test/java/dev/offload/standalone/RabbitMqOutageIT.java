package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.model.JobState;
import dev.offload.testing.RabbitMqFixture;
import dev.offload.testing.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ goes away while jobs are being submitted and run, then comes back. The broker is shared by everything on
 * the machine, so it is taken away through a {@link TcpProxy} (every connection dropped, new ones refused) rather
 * than stopped.
 */
class RabbitMqOutageIT {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void whileTheBrokerIsAwaySubmitsGet503AndAfterItComesBackEveryAcceptedJobSucceeds() throws Exception {
        URI broker = URI.create(RabbitMqFixture.uri());
        try (TcpProxy proxy = TcpProxy.to(broker.getHost(), broker.getPort());
                TestCluster cluster = new TestCluster(v -> {
                    v.put("transport.rabbitmq.queues", "default,parked");
                    v.put("transport.rabbitmq.uri", proxied(broker, proxy.port()));
                    v.put("transport.rabbitmq.publishTimeout", PUBLISH_TIMEOUT.toMillis() + "ms");
                    return v;
                })) {
            ApiClient api = cluster.startGateway();
            cluster.startWorker();
            List<String> accepted = new ArrayList<>();
            accepted.addAll(submit(api, 20));
            assertThat(proxy.openConnections())
                    .as("gateway and worker reach RabbitMQ through the proxy")
                    .isGreaterThanOrEqualTo(2);

            proxy.cut();
            long start = System.nanoTime();
            ApiClient.Response refused = api.submit("{\"type\":\"demo.echo\"}");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(took).as("a 503, not a hang").isLessThan(PUBLISH_TIMEOUT.plusSeconds(3));

            proxy.restore();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ApiClient.Response again = api.submit("{\"type\":\"demo.echo\"}");
                        if (again.status() == 202) {
                            accepted.add(again.id());
                            return true;
                        }
                        return false;
                    });
            accepted.addAll(submit(api, 20));
            assertThat(proxy.openConnections())
                    .as("gateway and worker reconnected by themselves")
                    .isGreaterThanOrEqualTo(2);

            await().atMost(Duration.ofSeconds(90))
                    .untilAsserted(() -> assertThat(accepted)
                            .allSatisfy(id -> assertThat(cluster.store()
                                            .find(id)
                                            .orElseThrow()
                                            .state())
                                    .as(id)
                                    .isEqualTo(JobState.SUCCEEDED)));
        }
    }

    private static List<String> submit(ApiClient api, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Response response = api.submit("{\"type\":\"demo.echo\",\"payload\":" + i + "}");
            assertThat(response.status()).isEqualTo(202);
            ids.add(response.id());
        }
        return ids;
    }

    private static String proxied(URI broker, int port) {
        return broker.getScheme() + "://" + broker.getRawUserInfo() + "@127.0.0.1:" + port + broker.getRawPath();
    }
}
