package dev.offload.transport;

import dev.offload.transport.kafka.KafkaTransportFactory;
import dev.offload.transport.rabbitmq.RabbitMqTransportFactory;
import io.vertx.core.Vertx;

/** Opens {@link JobTransport}s. Thread-safe. */
public final class Transports {
    private Transports() {}

    /**
     * A transport on Apache Kafka: one topic per logical queue ({@link KafkaTransportConfig#topic}), an idempotent
     * producer with acks=all, consumer groups that commit contiguous completed offsets. Creates the Kafka clients
     * (call it at start-up, off event loops) but does not contact the brokers: an unreachable broker shows up in
     * {@link JobTransport#start()} or as {@link TransportUnavailableException} on publish.
     */
    public static JobTransport kafka(Vertx vertx, KafkaTransportConfig config) {
        return KafkaTransportFactory.open(vertx, config);
    }

    /**
     * A transport on RabbitMQ: a durable direct exchange, one quorum queue per logical queue (classic with priorities
     * where configured) with a delivery limit and a dead-letter queue, persistent mandatory publishes confirmed
     * asynchronously, consumers that ack after completion. Creates nothing and does not contact the broker:
     * {@link JobTransport#start()} connects and declares the topology (and fails loudly on a mis-declared queue).
     */
    public static JobTransport rabbitMq(Vertx vertx, RabbitMqTransportConfig config) {
        return RabbitMqTransportFactory.open(vertx, config);
    }
}
