package dev.offload.transport;

import dev.offload.transport.kafka.KafkaTransportFactory;
import dev.offload.transport.rabbitmq.RabbitMqTransportFactory;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens {@link JobTransport}s. Thread-safe. */
public final class Transports {
    private Transports() {}

    /**
     * A transport on Apache Kafka: one topic per logical queue ({@link KafkaTransportConfig#topic}), or one per
     * {@link PriorityLevel} for queues configured for priorities, consumed by {@link PriorityWeights}; an idempotent
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

    /**
     * A transport that sends each logical queue to the transport given for it: publishing, consuming, health checks,
     * start and close go to the transports concerned. A queue not in {@code byQueue} fails with
     * {@link UnknownQueueException}.
     */
    public static JobTransport routed(Map<String, JobTransport> byQueue) {
        if (byQueue.isEmpty()) {
            throw new IllegalArgumentException("a routed transport needs at least one queue");
        }
        return new RoutedTransport(byQueue);
    }

    /**
     * The transport of a deployment: the queues in {@code rabbitMq.queues()} on RabbitMQ, the other queues of
     * {@code kafka.queues()} (the deployment's {@code transport.queues}) on Kafka. A broker that serves no queue is not
     * used at all. Creates clients but contacts no broker (see {@link #kafka} and {@link #rabbitMq}).
     *
     * @throws IllegalArgumentException if RabbitMQ is configured for a queue that {@code transport.queues} lacks
     */
    public static JobTransport configured(Vertx vertx, KafkaTransportConfig kafka, RabbitMqTransportConfig rabbitMq) {
        List<String> unknown = rabbitMq.queues().stream()
                .filter(queue -> !kafka.queues().contains(queue))
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(RabbitMqTransportConfig.QUEUES.name() + " names " + unknown + ", which "
                    + KafkaTransportConfig.QUEUES.name() + " " + kafka.queues() + " lacks");
        }
        List<String> onKafka = kafka.queues().stream()
                .filter(queue -> !rabbitMq.queues().contains(queue))
                .toList();
        Map<String, JobTransport> byQueue = new LinkedHashMap<>();
        if (!onKafka.isEmpty()) {
            JobTransport transport = kafka(vertx, kafka.withQueues(onKafka));
            onKafka.forEach(queue -> byQueue.put(queue, transport));
        }
        if (!rabbitMq.queues().isEmpty()) {
            JobTransport transport = rabbitMq(vertx, rabbitMq);
            rabbitMq.queues().forEach(queue -> byQueue.put(queue, transport));
        }
        return onKafka.isEmpty() || rabbitMq.queues().isEmpty()
                ? byQueue.values().iterator().next()
                : routed(byQueue);
    }
}
