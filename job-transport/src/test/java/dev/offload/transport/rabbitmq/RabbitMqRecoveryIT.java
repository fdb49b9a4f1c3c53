package dev.offload.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.offload.model.JobEnvelope;
import dev.offload.model.JobId;
import dev.offload.testing.RabbitMqFixture;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobTransport;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.Transports;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker drops every connection ({@code rabbitmqctl close_all_connections}) while jobs are published and
 * consumed: publisher and consumer reconnect by themselves and no acknowledged publish is lost. Runs in a virtual host
 * of its own, so that closing its connections touches nobody else; skipped where {@code rabbitmqctl} cannot manage
 * the broker of the tests.
 */
class RabbitMqRecoveryIT {
    private static final int JOBS = 400;

    private final String vhost = "offload-it-" + UUID.randomUUID().toString().substring(0, 8);
    private Vertx vertx;
    private JobTransport transport;
    private JobConsumer consumer;

    @BeforeEach
    void createVirtualHost() throws Exception {
        // Dropping connections needs control of the broker: possible for the local one only. A broker given by
        // OFFLOAD_TEST_RABBITMQ_URI elsewhere is reported as skipped, never passed.
        assumeTrue(
                RabbitMqFixture.isLocal(),
                "the connection-drop test needs the local broker; " + RabbitMqFixture.ENV + " points elsewhere");
        assertThat(rabbitmqctl("add_vhost", vhost))
                .as("rabbitmqctl add_vhost failed: run the tests as a user allowed to manage the local broker")
                .isZero();
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        vertx = Vertx.vertx();
    }

    @AfterEach
    void deleteVirtualHost() throws Exception {
        if (consumer != null) {
            consumer.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        if (transport != null) {
            transport.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close();
            rabbitmqctl("delete_vhost", vhost);
        }
    }

    @Test
    void publisherAndConsumerReconnectAfterTheBrokerClosesEveryConnectionAndNothingAcknowledgedIsLost()
            throws Exception {
        RabbitMqTransportConfig config = new RabbitMqTransportConfig(
                RabbitMqFixture.uri() + "/" + vhost,
                "offload.jobs",
                "offload.jobs.",
                Duration.ofSeconds(5),
                4,
                20,
                List.of(),
                List.of("default"));
        transport = Transports.rabbitMq(vertx, config);
        transport.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        consumer = transport.consumer(new ConsumerOptions(List.of("default"), "any", 8, Duration.ofSeconds(1)));
        consumer.start(envelope -> {
                    handled.add(envelope.jobId());
                    return CompletableFuture.completedFuture(null);
                })
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();

        for (int i = 0; i < JOBS; i++) {
            if (i == JOBS / 4) {
                assertThat(rabbitmqctl("close_all_connections", "-p", vhost, "test: drop every connection"))
                        .isZero();
            }
            publishUntilAcknowledged(anEnvelope(), acknowledged, refused);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.containsAll(acknowledged));
        assertThat(acknowledged).hasSize(JOBS);
        assertThat(consumer.inFlight()).isZero();
    }

    /** What a client does with 503: try again a little later. */
    private void publishUntilAcknowledged(JobEnvelope envelope, Set<String> acknowledged, AtomicInteger refused)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                transport
                        .publisher()
                        .publish(envelope)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get();
                acknowledged.add(envelope.jobId());
                return;
            } catch (Exception e) {
                refused.incrementAndGet();
                Thread.sleep(100);
            }
        }
        throw new AssertionError("job " + envelope.jobId() + " was never acknowledged: the publisher did not recover");
    }

    private static JobEnvelope anEnvelope() {
        Instant now = Instant.now();
        return new JobEnvelope(JobId.next(now), "tenant-a", "echo", "default", 0, 0, now, null, Map.of());
    }

    private static int rabbitmqctl(String... arguments) throws Exception {
        return RabbitMqFixture.rabbitmqctl(arguments);
    }
}
