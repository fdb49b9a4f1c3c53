package dev.offload.transport;

/** The broker could not be reached or did not acknowledge in time. Retryable. */
public final class TransportUnavailableException extends RuntimeException {
    public TransportUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
