package dev.offload.gateway.jobs;

import dev.offload.gateway.http.ApiException;
import dev.offload.store.JobStore;
import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs blocking {@link JobStore} calls off the event loop. Jedis blocks its thread for each round trip, so every call
 * gets its own virtual thread: thousands of concurrent requests cost no platform threads, and the Jedis pool bounds
 * the connections. Results come back on the caller's Vert.x context. A store that cannot be reached becomes a 503.
 * Thread-safe.
 */
final class AsyncJobStore implements AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private final Vertx vertx;
    private final JobStore store;
    private final ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("offload-store-", 0).factory());

    AsyncJobStore(Vertx vertx, JobStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** Applies {@code call} to the store on a virtual thread; completes on the current context. */
    <T> Future<T> call(Function<JobStore, T> call) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> call.apply(store), virtualThreads);
        return Future.fromCompletionStage(result, vertx.getOrCreateContext()).recover(AsyncJobStore::translate);
    }

    private static <T> Future<T> translate(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof StoreUnavailableException) {
            return Future.failedFuture(
                    ApiException.unavailable("the result store is unavailable; retry later", RETRY_AFTER));
        }
        return Future.failedFuture(cause);
    }

    @Override
    public void close() {
        virtualThreads.shutdown();
    }
}
