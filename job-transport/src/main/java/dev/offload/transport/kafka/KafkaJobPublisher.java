package dev.offload.transport.kafka;

import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnknownQueueException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes envelopes with an idempotent acks=all producer, each to its queue's topic, or on a queue configured for
 * priorities to the topic of its {@link dev.offload.transport.PriorityLevel}. Thread-safe; futures complete on the
 * caller's context.
 */
final class KafkaJobPublisher implements JobPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJobPublisher.class);
    /** Kafka's own timeouts fire first; this backstop covers sends queued behind a send that waits for metadata. */
    private static final Duration BACKSTOP_MARGIN = Duration.ofMillis(250);
    /** How late past its bound an unanswered send may fail: one sweep for all sends, not a timer per send. */
    private static final Duration BACKSTOP_SWEEP = Duration.ofMillis(100);

    private final KafkaTransportConfig config;
    private final KafkaAdminClient admin;
    private final KafkaWriteStream<String, byte[]> producer;
    private final SendDeadlines backstop;

    KafkaJobPublisher(Vertx vertx, KafkaTransportConfig config, KafkaAdminClient admin) {
        this.config = config;
        this.admin = admin;
        this.producer = KafkaWriteStream.create(vertx, KafkaClients.producer(config));
        // Every failed send is also reported here; the send's own future carries it to the caller already.
        producer.exceptionHandler(e -> LOG.debug("Kafka send failed", e));
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
            sent = producer.send(EnvelopeRecords.toRecord(topic, envelope)).mapEmpty();
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        return backstop.bound(sent)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "Kafka did not acknowledge job " + envelope.jobId() + " on queue '" + envelope.queue()
                                + "' within " + config.publishTimeout().toMillis() + " ms: " + e.getMessage(),
                        e)));
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
                producer.close(config.publishTimeout().toMillis()).eventually(() -> {
                    backstop.close();
                    return Future.succeededFuture();
                }));
    }
}
