package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.model.JobEnvelope;
import dev.offload.testing.KafkaFixture;
import dev.offload.testing.Ports;
import dev.offload.transport.JobTransport;
import dev.offload.transport.JobTransportContract;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.PriorityWeights;
import dev.offload.transport.Transports;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The transport contract on a real Kafka broker ({@link KafkaFixture}), plus what only Kafka has. */
class KafkaTransportIT extends JobTransportContract {
    private static final int PARTITIONS = 3;

    private final String unique = UUID.randomUUID().toString().substring(0, 8);
    private final KafkaTransportConfig config = new KafkaTransportConfig(
            KafkaFixture.bootstrapServers(),
            "it-" + unique + ".",
            PARTITIONS,
            1,
            Duration.ofSeconds(10),
            "workers-" + unique,
            List.of(QUEUE, "second"),
            List.of(),
            PriorityWeights.defaults());

    @Override
    protected JobTransport createTransport(Vertx vertx) {
        return Transports.kafka(vertx, config);
    }

    @Override
    protected JobTransport createUnreachableTransport(Vertx vertx, Duration publishTimeout) {
        KafkaTransportConfig unreachable = new KafkaTransportConfig(
                "127.0.0.1:" + Ports.closed(),
                config.topicPrefix(),
                1,
                1,
                publishTimeout,
                config.groupId(),
                config.queues(),
                config.priorityQueues(),
                config.priorityWeights());
        return Transports.kafka(vertx, unreachable);
    }

    @Override
    protected String groupId() {
        return config.groupId();
    }

    @Test
    void startCreatesTheTopicOfEveryQueueWithTheConfiguredPartitions() throws Exception {
        List<String> topics = List.of(config.topic(QUEUE), config.topic("second"));

        Map<String, TopicDescription> described;
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            described = admin.describeTopics(topics).allTopicNames().get();
        }

        assertThat(described).containsOnlyKeys(topics);
        assertThat(described.values())
                .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));
    }

    @Test
    void recordIsKeyedByJobIdAndCarriesTheEnvelopeHeaders() throws Exception {
        JobEnvelope sent = anEnvelope();

        result(transport.publisher().publish(sent));
        ConsumerRecord<String, byte[]> record = readOne(config.topic(QUEUE));

        assertThat(record.key()).isEqualTo(sent.jobId());
        assertThat(EnvelopeRecords.fromRecord(record)).isEqualTo(sent);
        assertCarriesTheEnvelopeHeaders(headers(record), sent);
    }

    @Test
    void healthCheckSucceedsAgainstALiveBroker() throws Exception {
        result(transport.publisher().checkHealth());
    }

    private ConsumerRecord<String, byte[]> readOne(String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + unique,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record arrived on " + topic + " within 60 s");
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
