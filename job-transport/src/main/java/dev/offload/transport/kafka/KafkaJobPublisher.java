package dev.offload.transport.kafka;

import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnknownQueueException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Publishes envelopes with an idempotent acks=all producer, each to its queue's topic, or on a queue configured for
 * priorities to the topic of its {@link dev.offload.transport.PriorityLevel}. Thread-safe; futures complete on the
 * caller's context.
 */
final class KafkaJobPublisher implements JobPublisher {
    /**
     * At most this many sends wait for the producer's thread. It only falls behind while Kafka's client blocks (no
     * metadata, full buffer), and such sends are failed after the publish timeout anyway; beyond this they fail at once
     * instead of filling the heap.
     */
    private static final int MAX_WAITING_SENDS = 10_000;
    /**
     * Kafka's own timeouts and the producer thread's fire first; this backstop answers a send that neither answered.
     */
    private static final Duration BACKSTOP_MARGIN = Duration.ofMillis(250);
    /** How late past its bound an unanswered send may fail: one sweep for all sends, not a timer per send. */
    private static final Duration BACKSTOP_SWEEP = Duration.ofMillis(100);

    private final KafkaTransportConfig config;
    private final KafkaAdminClient admin;

    private final ProducerThread<String, byte[]> producer;
    private final SendDeadlines backstop;

    KafkaJobPublisher(Vertx vertx, KafkaTransportConfig config, KafkaAdminClient admin) {
        this.config = config;
        this.admin = admin;
        this.producer = new ProducerThread<>(
                vertx,
                new KafkaProducer<>(KafkaClients.producer(config)),
                "offload-kafka-producer",
                MAX_WAITING_SENDS,
                config.publishTimeout());
        this.backstop = new SendDeadlines(vertx, config.publishTimeout().plus(BACKSTOP_MARGIN), BACKSTOP_SWEEP);
    }

    @Override
    public Future<Void> publish(JobEnvelope envelope) {
        if (!config.queues().contains(envelope.queue())) {
            return Future.failedFuture(new UnknownQueueException(envelope.queue()));
        }
        Future<Void> sent;
        try {
            // send() completes on the caller's context (or a new one off Vert.x threads). On a priority queue the
            // topic is that of the envelope's priority level.
            String topic = config.topic(envelope.queue(), envelope.priority());
            sent = producer.send(EnvelopeRecords.toRecord(topic, envelope));
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        return backstop.bound(sent)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "Kafka did not acknowledge job " + envelope.jobId() + " on queue '" + envelope.queue()
                                + "' within " + config.publishTimeout().toMillis() + " ms: " + e.getMessage(),
                        e)));
    }

    /** Fetches the metadata of {@code topics} before the first publish needs it (see {@link ProducerThread}). */
    Future<Void> fetchMetadata(List<String> topics) {
        return producer.fetchMetadata(topics);
    }

    @Override
    public Future<Void> checkHealth() {
        Future<Void> answered = admin.describeCluster()
                .<Void>mapEmpty()
                .timeout(KafkaClients.healthTimeout(config).toMillis(), TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "Kafka at " + config.bootstrapServers() + " did not answer: " + e.getMessage(), e)));
        return KafkaJobTransport.onCallerContext(answered);
    }

    @Override
    public Future<Void> close() {
        return KafkaJobTransport.onCallerContext(
                producer.close(config.publishTimeout()).eventually(() -> {
                    backstop.close();
                    return Future.succeededFuture();
                }));
    }
}
