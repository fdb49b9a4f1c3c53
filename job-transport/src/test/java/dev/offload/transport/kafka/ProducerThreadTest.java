package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the producer thread does while Kafka's client blocks: a real producer whose broker is down waits
 * {@code max.block.ms} for metadata in each send, so sends pile up behind it.
 */
class ProducerThreadTest {
    private static final Duration BLOCKED_FOR = Duration.ofMillis(700);
    private final Vertx vertx = Vertx.vertx();
    private final List<ProducerThread<String, String>> threads = new ArrayList<>();

    @AfterEach
    void close() {
        threads.forEach(t -> t.close(Duration.ZERO).await());
        vertx.close().await();
    }

    @Test
    void sendsBeyondTheBoundFailAtOnceWhileTheProducerIsBlocked() {
        ProducerThread<String, String> thread = blockedProducer(3, Duration.ofMinutes(1));

        List<Future<Void>> sends = sendSome(thread, 6);

        // The first is inside the blocked send() or waits with the next ones; at most three wait, the rest fail now.
        List<Future<Void>> refused = sends.stream().filter(f -> f.failed()).toList();
        assertThat(refused).hasSizeBetween(2, 3);
        assertThat(refused.get(0).cause())
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("3 sends are already waiting for the Kafka producer");
        assertThat(thread.waiting()).isLessThanOrEqualTo(3);
    }

    @Test
    void aSendThatWaitedPastItsBoundIsFailedWithoutBeingMade() {
        ProducerThread<String, String> thread = blockedProducer(100, Duration.ofMillis(200));

        Future<Void> blocking = thread.send(record(0));
        Future<Void> behind = thread.send(record(1));

        // The first send fails when its metadata wait ends; the one behind it has waited longer than 200 ms by then.
        await().atMost(Duration.ofSeconds(10)).until(() -> blocking.isComplete() && behind.isComplete());
        assertThat(blocking.cause()).hasMessageContaining("not present in metadata after " + BLOCKED_FOR.toMillis());
        assertThat(behind.cause())
                .isInstanceOf(TimeoutException.class)
                .hasMessage("the send waited more than 200 ms for the Kafka producer and was not made");
        assertThat(thread.waiting()).isZero();
    }

    @Test
    void closingFailsTheSendsStillWaitingAndRefusesNewOnes() {
        ProducerThread<String, String> thread = blockedProducer(100, Duration.ofMinutes(1));
        List<Future<Void>> sends = sendSome(thread, 5);

        thread.close(Duration.ofSeconds(5)).await();

        await().atMost(Duration.ofSeconds(5)).until(() -> sends.stream().allMatch(Future::isComplete));
        assertThat(sends).allMatch(Future::failed);
        assertThat(sends.get(4).cause()).hasMessage("the Kafka producer closed before the send was made");
        assertThat(thread.send(record(5)).cause()).hasMessage("the Kafka producer is closed");
    }

    @Test
    void fetchingMetadataFailsWhenTheBrokerDoesNotAnswerWithinMaxBlock() {
        ProducerThread<String, String> thread = blockedProducer(100, Duration.ofMinutes(1));

        Future<Void> fetched = thread.fetchMetadata(List.of("jobs"));

        await().atMost(Duration.ofSeconds(10)).until(fetched::isComplete);
        assertThat(fetched.cause()).hasMessageContaining("not present in metadata after " + BLOCKED_FOR.toMillis());
    }

    private ProducerThread<String, String> blockedProducer(int maxWaiting, Duration maxWait) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + Ports.closed(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) BLOCKED_FOR.toMillis());
        ProducerThread<String, String> thread = new ProducerThread<>(
                vertx,
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()),
                "test-producer",
                maxWaiting,
                maxWait);
        threads.add(thread);
        return thread;
    }

    private static List<Future<Void>> sendSome(ProducerThread<String, String> thread, int count) {
        List<Future<Void>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(thread.send(record(i)));
        }
        return sends;
    }

    private static ProducerRecord<String, String> record(int i) {
        return new ProducerRecord<>("jobs", "key-" + i, "value-" + i);
    }
}
