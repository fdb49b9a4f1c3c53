package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import com.rabbitmq.client.ConnectionFactory;
import dev.offload.model.Job;
import dev.offload.model.JobState;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.transport.RabbitMqTransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Queues on RabbitMQ end to end: gateways publish, workers consume and acknowledge after the outcome, and a deployment
 * runs a Kafka queue and a RabbitMQ queue side by side.
 */
class RabbitMqWorkIT {

    @Test
    void thousandJobsAcrossTwoWorkersOnRabbitMqAllSucceedOnce() throws Exception {
        Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> succeededEvents = new ConcurrentHashMap<>();
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("transport.rabbitmq.queues", "default");
            return v;
        })) {
            JobStore.Subscription events = cluster.store().subscribe(event -> {
                if (event.state() == JobState.SUCCEEDED) {
                    succeededEvents
                            .computeIfAbsent(event.jobId(), id -> new AtomicInteger())
                            .incrementAndGet();
                }
            });
            List<ApiClient> gateways = List.of(cluster.startGateway(), cluster.startGateway());
            cluster.startWorker(CountingWork.handlers(invocations));
            cluster.startWorker(CountingWork.handlers(invocations));

            long begin = System.nanoTime();
            List<String> ids = CountingWork.submitConcurrently(gateways, 1_000, "default");
            long submitted = System.nanoTime();
            await().atMost(Duration.ofMinutes(3)).until(() -> succeededEvents.size() == 1_000);
            long finished = System.nanoTime();

            System.out.printf(
                    "RabbitMQ: 1000 submits in %d ms (%.0f/s), all succeeded %d ms after the first submit%n",
                    (submitted - begin) / 1_000_000,
                    1_000 / ((submitted - begin) / 1e9),
                    (finished - begin) / 1_000_000);
            for (String id : ids) {
                Job job = cluster.store().find(id).orElseThrow();
                assertThat(job.state()).as(id).isEqualTo(JobState.SUCCEEDED);
                assertThat(job.result()).isEqualTo(IntNode.valueOf(1));
            }
            assertThat(succeededEvents.values())
                    .allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(invocations).hasSize(1_000);
            long duplicates =
                    invocations.values().stream().filter(c -> c.get() > 1).count();
            assertThat(duplicates).as("jobs whose handler ran more than once").isZero();
            events.close();
        }
    }

    @Test
    void aKafkaQueueAndARabbitMqQueueWorkSideBySide() throws Exception {
        Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
        try (TestCluster cluster = new TestCluster(v -> {
            v.put("transport.queues", "default,reports,parked");
            v.put("transport.rabbitmq.queues", "reports");
            return v;
        })) {
            ApiClient gateway = cluster.startGateway();
            cluster.startWorker(CountingWork.handlers(invocations), List.of("default", "reports"));

            List<String> onKafka = CountingWork.submitConcurrently(List.of(gateway), 50, "default");
            List<String> onRabbitMq = CountingWork.submitConcurrently(List.of(gateway), 50, "reports");

            List<String> all = new ArrayList<>(onKafka);
            all.addAll(onRabbitMq);
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> all.stream()
                            .allMatch(
                                    id -> cluster.store().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            assertThat(cluster.store()
                            .find(onRabbitMq.getFirst())
                            .orElseThrow()
                            .spec()
                            .queue())
                    .isEqualTo("reports");
            assertThat(invocations).hasSize(100);
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
