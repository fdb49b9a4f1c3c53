package dev.offload.transport;

import io.vertx.core.Future;

/**
 * Delivers job messages of the configured queues to a handler, at least once, with bounded concurrency.
 *
 * <p>A message is acknowledged (Kafka: its offset committed, contiguously) only after the handler's returned stage
 * completed normally. While {@code maxInFlight} messages are being handled the consumer hands out no more and soon
 * stops fetching (Kafka: once up to {@code maxInFlight} more per priority level wait locally, their partitions are
 * paused but the consumer keeps polling, so long jobs never exceed {@code max.poll.interval.ms}). A stage that completes
 * exceptionally makes the message come again later.
 *
 * <p>Thread-safe. The handler is called on a transport-owned thread (a Vert.x event loop for Kafka) and must not
 * block: it hands the work to an executor and returns at once.
 */
public interface JobConsumer {

    /** Starts consuming; the future completes once subscribed. */
    Future<Void> start(JobDeliveryHandler handler);

    /**
     * Stops fetching, waits up to the configured grace period for in-flight handlers, acknowledges what completed and
     * leaves the group. Messages not acknowledged are redelivered to another consumer.
     */
    Future<Void> stop();

    /** Number of messages handed to the handler and not yet completed. */
    int inFlight();
}
