package dev.offload.model;

import java.util.Objects;

/**
 * Why an attempt or a job failed, as shown to clients: a stable machine-readable type and a message. Never a stack
 * trace.
 *
 * @param type a short dotted slug, e.g. {@code handler.failed}, {@code timeout}, {@code lease.expired}
 * @param message a human-readable explanation
 */
public record JobError(String type, String message) {
    public JobError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
