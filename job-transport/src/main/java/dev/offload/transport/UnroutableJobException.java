package dev.offload.transport;

/**
 * The broker accepted a message but could route it to no queue (RabbitMQ returned a {@code mandatory} message): the
 * queue of a configured logical queue is missing or unbound on the broker. Permanent until an operator restores the
 * topology (restarting Offload declares it again); the job was not queued.
 */
public final class UnroutableJobException extends RuntimeException {
    public UnroutableJobException(String message) {
        super(message);
    }
}
