package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.kafka.embedded.EmbeddedKafkaBroker;
import dev.offload.store.JobQuery;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose broker is away answers 503 quickly (at once when its breaker is open), keeps nothing, and recovers
 * when the broker returns. Each broker's data lives in a JUnit temporary directory, deleted after the test.
 */
class BrokerUnavailableIT {

    @Test
    void submitAnswers503WithinItsTimeoutAndRecoversWhenTheBrokerIsBack(@TempDir Path dir) throws Exception {
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

            api.submitRefusedAsUnavailable("{\"type\":\"demo.echo\",\"queue\":\"parked\"}", Duration.ofSeconds(8));
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

    @Test
    void anOpenBrokerBreakerAnswers503AtOnceAndClosesWhenTheBrokerIsBack(@TempDir Path dir) throws Exception {
        int port = freePort();
        Duration publishTimeout = Duration.ofSeconds(4);
        AtomicReference<EmbeddedKafkaBroker> broker = new AtomicReference<>(EmbeddedKafkaBroker.start(dir, port));
        try {
            BrokerBreakerScenario.opensAnswersAtOnceAndClosesWhenTheBrokerIsBack(
                    v -> {
                        v.put("transport.kafka.bootstrapServers", broker.get().bootstrapServers());
                        v.put("transport.kafka.publishTimeout", publishTimeout.toMillis() + "ms");
                        return v;
                    },
                    publishTimeout,
                    () -> broker.get().close(),
                    () -> broker.set(EmbeddedKafkaBroker.start(dir, port)));
        } finally {
            broker.get().close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
