package dev.offload.gateway.http;

import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * What a client sees when a blocking result-store call fails. Every route that runs store calls on virtual threads
 * recovers with {@link #translate}, so a store outage reads the same (503 with {@code Retry-After}) on every endpoint.
 */
public final class StoreFailures {
    /** When a client may try again after the result store was unavailable. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private StoreFailures() {}

    /**
     * For {@code future.recover(StoreFailures::translate)}: unwraps the {@link CompletionException} a
     * {@code CompletableFuture} adds, turns a {@link StoreUnavailableException} into a 503 problem and passes any other
     * failure on unchanged.
     */
    public static <T> Future<T> translate(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StoreUnavailableException) {
            return Future.failedFuture(
                    ApiException.unavailable("the result store is unavailable; retry later", RETRY_AFTER));
        }
        return Future.failedFuture(cause);
    }
}
