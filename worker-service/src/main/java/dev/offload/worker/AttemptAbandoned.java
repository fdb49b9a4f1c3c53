package dev.offload.worker;

/**
 * The worker gave an attempt up without recording an outcome (killed, or stopped past its grace period); the message
 * must not be acknowledged, and the job runs again after its lease expires.
 */
final class AttemptAbandoned extends RuntimeException {
    AttemptAbandoned(String message) {
        super(message, null, false, false);
    }
}
