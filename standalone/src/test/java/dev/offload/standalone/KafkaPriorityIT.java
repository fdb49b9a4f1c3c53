package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.offload.model.JobState;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.PriorityLevel;
import dev.offload.worker.HandlerRegistry;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Job priorities end to end on a Kafka queue configured for them: submitted over HTTP, published to the topic of their
 * level, and run by a worker that takes urgent jobs ahead of a backlog of normal ones.
 */
class KafkaPriorityIT {

    @Test
    void urgentJobsSubmittedAfterABacklogRunBeforeMostOfIt() throws Exception {
        try (TestCluster cluster = new TestCluster(values -> {
            values.put("transport.kafka.priorityQueues", "default");
            values.put("jobs.types", "test.order");
            values.put("worker.concurrency", "2");
            return values;
        })) {
            ApiClient api = cluster.startGateway();
            List<String> backlog = submit(api, 40, 0);
            List<String> urgent = submit(api, 6, 9);
            KafkaTransportConfig kafka = cluster.kafkaConfig();
            List<String> started = new CopyOnWriteArrayList<>();

            cluster.startWorker(recordingOrderOf(started));

            await().atMost(Duration.ofMinutes(2)).until(() -> started.size() >= backlog.size() + urgent.size());
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> backlog.stream()
                            .allMatch(
                                    id -> cluster.store().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            assertThat(urgent)
                    .allSatisfy(id -> assertThat(
                                    cluster.store().find(id).orElseThrow().state())
                            .isEqualTo(JobState.SUCCEEDED));
            assertThat(TopicRecords.countOnTopic(kafka, kafka.topic("default", PriorityLevel.URGENT), urgent.get(0)))
                    .isEqualTo(1);
            assertThat(TopicRecords.countOnTopic(kafka, kafka.topic("default"), backlog.get(0)))
                    .isEqualTo(1);
            int lastUrgent = urgent.stream().mapToInt(started::indexOf).max().orElseThrow();
            long backlogFirst = started.subList(0, lastUrgent).stream()
                    .filter(backlog::contains)
                    .count();
            // In arrival order all 40 would run first; by weight (6 : 1) the urgent six need about seven slots.
            assertThat(backlogFirst).isLessThan(backlog.size() / 2);
        }
    }

    private static List<String> submit(ApiClient api, int count, int priority) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Response response =
                    api.submit("{\"type\":\"test.order\",\"queue\":\"default\",\"priority\":" + priority + "}");
            assertThat(response.status()).as(response.toString()).isEqualTo(202);
            ids.add(response.id());
        }
        return ids;
    }

    /** A handler that notes the order in which jobs start and takes a moment, so that a backlog builds up. */
    private static HandlerRegistry recordingOrderOf(List<String> started) {
        return HandlerRegistry.builder()
                .register(new JobHandler() {
                    @Override
                    public String type() {
                        return "test.order";
                    }

                    @Override
                    public JsonNode handle(JobContext context) throws InterruptedException {
                        started.add(context.jobId());
                        Thread.sleep(20);
                        return NullNode.getInstance();
                    }
                })
                .build();
    }
}
