package dev.offload.store;

/** The store could not be reached or did not answer in time. Retryable: the caller may try again later. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The store gave no answer in time: nothing failed that could be named as the cause. */
    public StoreUnavailableException(String message) {
        super(message);
    }
}
