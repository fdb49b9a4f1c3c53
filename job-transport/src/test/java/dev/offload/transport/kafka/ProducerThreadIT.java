package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.testing.KafkaFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The producer thread against a real broker ({@link KafkaFixture}). */
class ProducerThreadIT {
    private static final int SENDS = 500;
    private final Vertx vertx = Vertx.vertx();
    private final String topic = "producer-thread-" + UUID.randomUUID();
    private final ProducerThread<String, String> producer = new ProducerThread<>(
            vertx,
            new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            KafkaFixture.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.LINGER_MS_CONFIG,
                            2),
                    new StringSerializer(),
                    new StringSerializer()),
            "test-producer",
            SENDS,
            Duration.ofSeconds(30));

    @AfterEach
    void close() {
        producer.close(Duration.ofSeconds(5)).await();
        vertx.close().await();
    }

    @Test
    void sendsOfOneEventLoopTaskAreAcknowledgedOnTheCallersContextAndArriveInOrder() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<List<Context>> answeredOn = new CompletableFuture<>();
        caller.runOnContext(v -> {
            List<Context> contexts = new ArrayList<>();
            List<Future<Void>> sends = new ArrayList<>();
            for (int i = 0; i < SENDS; i++) {
                // One key: one partition, so the broker keeps the order in which the thread sent them.
                sends.add(producer.send(new ProducerRecord<>(topic, "one-key", Integer.toString(i)))
                        .onSuccess(ok -> contexts.add(Vertx.currentContext())));
            }
            Future.all(sends).onComplete(done -> answeredOn.complete(contexts), answeredOn::completeExceptionally);
        });

        List<Context> contexts = answeredOn.get(30, TimeUnit.SECONDS);
        assertThat(contexts).hasSize(SENDS).allMatch(c -> c == caller);
        assertThat(producer.waiting()).isZero();
        assertThat(consumeAll(SENDS))
                .isEqualTo(java.util.stream.IntStream.range(0, SENDS)
                        .mapToObj(Integer::toString)
                        .toList());
    }

    @Test
    void metadataCanBeFetchedForANewTopicBeforeItsFirstSend() throws Exception {
        producer.fetchMetadata(List.of(topic)).await(30, TimeUnit.SECONDS);

        assertThat(producer.send(new ProducerRecord<>(topic, "key", "first")).await(30, TimeUnit.SECONDS))
                .isNull();
        assertThat(consumeAll(1)).containsExactly("first");
    }

    private List<String> consumeAll(int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaFixture.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
