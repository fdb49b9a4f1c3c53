package dev.offload.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link JobConsumer} consumes and how much at once. Immutable.
 *
 * @param queues the logical queues to consume; each must be one the transport serves
 * @param groupId the consumer group (Kafka) shared by all workers of a deployment; the RabbitMQ transport ignores it
 * @param maxInFlight the most messages handed to the handler and not yet completed
 * @param shutdownGrace how long {@link JobConsumer#stop()} waits for in-flight handlers before it lets go of them
 */
public record ConsumerOptions(List<String> queues, String groupId, int maxInFlight, Duration shutdownGrace) {

    public ConsumerOptions {
        Objects.requireNonNull(queues, "queues");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        queues = List.copyOf(queues);
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("queues must name at least one queue");
        }
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, but was " + maxInFlight);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, but was " + shutdownGrace);
        }
    }
}
