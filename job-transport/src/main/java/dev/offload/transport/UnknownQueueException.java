package dev.offload.transport;

/** A message was addressed to a logical queue that this deployment does not declare. Permanent. */
public final class UnknownQueueException extends RuntimeException {
    public UnknownQueueException(String queue) {
        super("queue '" + queue + "' is not configured");
    }
}
