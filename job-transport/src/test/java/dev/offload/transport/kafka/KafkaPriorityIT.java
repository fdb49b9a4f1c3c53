package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.model.JobEnvelope;
import dev.offload.model.JobId;
import dev.offload.testing.KafkaFixture;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobTransport;
import dev.offload.transport.JobTransportContract;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.PriorityLevel;
import dev.offload.transport.PriorityWeights;
import dev.offload.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Priorities on Kafka, on a real broker ({@link KafkaFixture}): the whole transport contract on a queue configured for
 * priorities (its envelopes have priority 5, so they travel on the queue's {@code .high} topic), plus the weighted,
 * work-conserving consumption of the level topics.
 */
class KafkaPriorityIT extends JobTransportContract {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String unique = UUID.randomUUID().toString().substring(0, 8);
    private final KafkaTransportConfig config = new KafkaTransportConfig(
            KafkaFixture.bootstrapServers(),
            "prio-" + unique + ".",
            3,
            1,
            Duration.ofSeconds(10),
            "workers-" + unique,
            List.of(QUEUE),
            List.of(QUEUE),
            new PriorityWeights(6, 3, 1));

    @Override
    protected JobTransport createTransport(Vertx vertx) {
        return Transports.kafka(vertx, config);
    }

    @Override
    protected JobTransport createUnreachableTransport(Vertx vertx, Duration publishTimeout) {
        return Transports.kafka(
                vertx,
                new KafkaTransportConfig(
                        "127.0.0.1:9", // the discard port: nothing listens there
                        config.topicPrefix(),
                        1,
                        1,
                        publishTimeout,
                        config.groupId(),
                        config.queues(),
                        config.priorityQueues(),
                        config.priorityWeights()));
    }

    @Override
    protected String groupId() {
        return config.groupId();
    }

    @Test
    void eachJobIsPublishedToTheTopicOfItsPriorityLevel() throws Exception {
        JobEnvelope normal = envelope(0);
        JobEnvelope high = envelope(4);
        JobEnvelope urgent = envelope(9);

        publish(List.of(normal, high, urgent));

        assertThat(keysOn(config.topic(QUEUE))).containsExactly(normal.jobId());
        assertThat(keysOn(config.topic(QUEUE) + ".high")).containsExactly(high.jobId());
        assertThat(keysOn(config.topic(QUEUE) + ".urgent")).containsExactly(urgent.jobId());
    }

    @Test
    void urgentJobsPublishedBehindABacklogAreHandledBeforeMostOfIt() throws Exception {
        // 400 jobs of 10 ms on 2 slots: about 2 s of backlog, so the urgent jobs have about 1 s to be published and
        // fetched before half of it has run (200 jobs gave them 0.5 s, and a busy CI machine once needed more: 110).
        List<JobEnvelope> backlog = envelopes(0, 400);
        List<JobEnvelope> urgent = envelopes(9, 20);
        List<PriorityLevel> completed = new CopyOnWriteArrayList<>();
        publish(backlog);
        start(consumer(2), envelope -> later(10, () -> completed.add(PriorityLevel.of(envelope.priority()))));
        await().atMost(PATIENCE).until(() -> completed.size() >= 10);

        publish(urgent);

        await().atMost(PATIENCE).until(() -> completed.size() == backlog.size() + urgent.size());
        int lastUrgent = completed.lastIndexOf(PriorityLevel.URGENT);
        long backlogBeforeLastUrgent = completed.subList(0, lastUrgent).stream()
                .filter(PriorityLevel.NORMAL::equals)
                .count();
        // In arrival order all 400 would come first. By weight, the 20 urgent jobs need about 24 slots once fetched;
        // the rest is what ran or was waiting for a slot when they were published.
        assertThat(backlogBeforeLastUrgent).isLessThan(backlog.size() / 2);
    }

    @Test
    void whileEveryLevelHasABacklogEachGetsItsWeightsShareAndNothingIsLost() throws Exception {
        List<JobEnvelope> all = new ArrayList<>();
        all.addAll(envelopes(0, 300));
        all.addAll(envelopes(5, 300));
        all.addAll(envelopes(9, 300));
        publish(all);
        List<PriorityLevel> started = new CopyOnWriteArrayList<>();
        Set<String> handled = ConcurrentHashMap.newKeySet();

        start(consumer(4), envelope -> {
            started.add(PriorityLevel.of(envelope.priority()));
            // Long enough that a lane's buffered records outlast a slow poll on a busy machine.
            return later(25, () -> handled.add(envelope.jobId()));
        });

        await().atMost(PATIENCE).until(() -> handled.size() == all.size());
        assertThat(handled).isEqualTo(ids(all));
        // The first 50 starts may follow the order in which partitions were first fetched; over the next 200 every
        // level still has a backlog (urgent, the fastest, is at most about 180 of its 300 in), so weights rule.
        System.out.println(
                "DEBUG " + started.stream().map(l -> l.name().substring(0, 1)).reduce("", String::concat));
        Map<PriorityLevel, Integer> share = new EnumMap<>(PriorityLevel.class);
        started.subList(50, 250).forEach(level -> share.merge(level, 1, Integer::sum));
        assertThat(share.get(PriorityLevel.URGENT)).as("urgent of 200 (6/10)").isBetween(100, 140);
        assertThat(share.get(PriorityLevel.HIGH)).as("high of 200 (3/10)").isBetween(40, 80);
        assertThat(share.get(PriorityLevel.NORMAL)).as("normal of 200 (1/10)").isBetween(8, 35);
    }

    @Test
    void aJobOfEveryLevelIsRedeliveredAfterItsConsumerDies() throws Exception {
        List<JobEnvelope> sent = List.of(envelope(0), envelope(5), envelope(9));
        Set<String> firstSaw = ConcurrentHashMap.newKeySet();
        Set<String> secondSaw = ConcurrentHashMap.newKeySet();
        publish(sent);
        JobConsumer first = consumer(4);
        start(first, envelope -> {
            firstSaw.add(envelope.jobId());
            return new CompletableFuture<>(); // never completes: the worker "dies" with the jobs
        });
        await().atMost(PATIENCE).until(() -> firstSaw.equals(ids(sent)));

        result(first.stop());
        start(consumer(4), envelope -> {
            secondSaw.add(envelope.jobId());
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(PATIENCE).until(() -> secondSaw.equals(ids(sent)));
    }

    @Test
    void startCreatesTheTopicOfEveryLevel() throws Exception {
        Set<String> topics;
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            topics = admin.listTopics().names().get();
        }

        assertThat(topics).containsAll(config.topics(QUEUE)).hasSizeGreaterThanOrEqualTo(3);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A stage that runs {@code action} and completes after {@code millis}, as a job that takes a while. */
    private CompletableFuture<Void> later(long millis, Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.setTimer(millis, id -> {
            action.run();
            done.complete(null);
        });
        return done;
    }

    private void publish(List<JobEnvelope> envelopes) throws Exception {
        List<Future<Void>> sends = new ArrayList<>();
        envelopes.forEach(envelope -> sends.add(transport.publisher().publish(envelope)));
        result(Future.all(sends));
    }

    private static List<JobEnvelope> envelopes(int priority, int count) {
        List<JobEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            envelopes.add(envelope(priority));
        }
        return envelopes;
    }

    private static JobEnvelope envelope(int priority) {
        Instant now = Instant.now();
        return new JobEnvelope(JobId.next(now), "tenant-a", "echo", QUEUE, 1, priority, now, null, Map.of());
    }

    private static Set<String> ids(List<JobEnvelope> envelopes) {
        Set<String> ids = new HashSet<>();
        envelopes.forEach(envelope -> ids.add(envelope.jobId()));
        return ids;
    }

    /** The keys (job ids) of every record on {@code topic}, read from the start by a reader outside the group. */
    private List<String> keysOn(String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class);
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(props)) {
            reader.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // Reads until something came and a further second brought nothing more.
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline
                    && (keys.isEmpty()
                            || System.nanoTime() - quietSince
                                    < Duration.ofSeconds(1).toNanos())) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    keys.add(record.key());
                    quietSince = System.nanoTime();
                }
            }
        }
        return keys;
    }
}
