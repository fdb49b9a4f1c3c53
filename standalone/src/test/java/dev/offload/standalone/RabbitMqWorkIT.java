package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.offload.store.JobQuery;
import dev.offload.transport.RabbitMqTransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Queues on RabbitMQ end to end: gateways publish, workers consume and acknowledge after the outcome, and a deployment
 * runs a Kafka queue and a RabbitMQ queue side by side.
 */
class RabbitMqWorkIT {

    @Test
    void thousandJobsAcrossTwoWorkersOnRabbitMqAllSucceedOnce() throws Exception {
        try (TestCluster cluster = new TestCluster(v -> {
                    v.put("transport.rabbitmq.queues", "default");
                    return v;
                });
                CountingWork work = new CountingWork(cluster)) {
            List<ApiClient> gateways = List.of(cluster.startGateway(), cluster.startGateway());
            cluster.startWorker(work.handlers());
            cluster.startWorker(work.handlers());

            List<String> ids = work.submitConcurrently(gateways, 1_000, "default");

            work.awaitSucceeded(ids, Duration.ofMinutes(3));
            work.assertEachSucceededExactlyOnce(ids);
        }
    }

    @Test
    void aKafkaQueueAndARabbitMqQueueWorkSideBySide() throws Exception {
        try (TestCluster cluster = new TestCluster(v -> {
                    v.put("transport.queues", "default,reports,parked");
                    v.put("transport.rabbitmq.queues", "reports");
                    return v;
                });
                CountingWork work = new CountingWork(cluster)) {
            ApiClient gateway = cluster.startGateway();
            cluster.startWorker(work.handlers(), List.of("default", "reports"));

            List<String> onKafka = work.submitConcurrently(List.of(gateway), 50, "default");
            List<String> onRabbitMq = work.submitConcurrently(List.of(gateway), 50, "reports");

            List<String> all = new ArrayList<>(onKafka);
            all.addAll(onRabbitMq);
            work.awaitSucceeded(all, Duration.ofMinutes(2));
            work.assertEachSucceededExactlyOnce(all);
            assertThat(cluster.store()
                            .find(onRabbitMq.getFirst())
                            .orElseThrow()
                            .spec()
                            .queue())
                    .isEqualTo("reports");
        }
    }

    @Test
    void aSubmissionToAQueueMissingOnTheBrokerIsA503NamingTheQueueAndLeavesNoJob() throws Exception {
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("transport.rabbitmq.queues", "default,parked");
            return v;
        })) {
            ApiClient gateway = cluster.startGateway();
            RabbitMqTransportConfig rabbitMq = RabbitMqTransportConfig.from(cluster.settings());
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(rabbitMq.uri());
            try (var connection = factory.newConnection("it-delete-queue");
                    var channel = connection.createChannel()) {
                channel.queueDelete(rabbitMq.queueName("parked"));
            }

            ApiClient.Response refused = gateway.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(refused.json().path("detail").asText()).contains("'parked'", "missing on the job broker");
            assertThat(cluster.store().list("tenant-a", JobQuery.firstPage(10)).jobs())
                    .as("no job may be left behind for a submission that got 503")
                    .isEmpty();
        }
    }
}
