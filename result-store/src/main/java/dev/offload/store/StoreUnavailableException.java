package dev.offload.store;

/** The store could not be reached or did not answer in time. Retryable: the caller may try again later. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
