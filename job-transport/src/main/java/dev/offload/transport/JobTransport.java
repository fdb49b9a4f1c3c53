package dev.offload.transport;

import io.vertx.core.Future;

/**
 * A connection to the message broker that carries jobs: it declares the queues, and hands out the publisher and
 * consumers. Create one per process with {@link Transports}.
 *
 * <p>Thread-safe. {@link #consumer(ConsumerOptions)} creates a broker client: call it at start-up, off event loops. The returned futures complete on the caller's Vert.x context if there is one.
 */
public interface JobTransport {

    /**
     * Declares what is missing (Kafka: creates the topics of the configured queues with the configured partitions and
     * replication factor; existing topics are left as they are) and checks that the broker answers.
     *
     * @return a future failing with {@link TransportUnavailableException} if the broker cannot be reached in time
     */
    Future<Void> start();

    /** The publisher of this transport; the same instance on every call. */
    JobPublisher publisher();

    /**
     * A new consumer; it does nothing until {@link JobConsumer#start} is called.
     *
     * @throws UnknownQueueException if {@code options} name a queue the transport does not serve
     */
    JobConsumer consumer(ConsumerOptions options);

    /**
     * The messages waiting on the broker for the configured queues, for load shedding: Kafka, the consumer group's
     * lag (end offset minus committed offset, summed over the partitions); RabbitMQ, the queues' ready messages. One
     * or two administrative round trips: callers cache the answer (the gateway probes it periodically).
     *
     * @return a future of the count, failing with {@link TransportUnavailableException} if the broker does not answer
     */
    Future<Long> backlog();

    /** Closes the publisher and the administrative client; consumers are stopped by their owners. */
    Future<Void> close();
}
