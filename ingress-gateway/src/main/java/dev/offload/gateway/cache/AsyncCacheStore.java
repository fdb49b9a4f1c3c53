package dev.offload.gateway.cache;

import dev.offload.store.CacheStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Runs the blocking {@link CacheStore} (Jedis) off the event loop, as the gateway's job store calls do: one virtual
 * thread per call (a Jedis round trip blocks its thread; thousands of waiting virtual threads cost no platform
 * threads, and the cache's connection pool bounds the connections), at most {@code maxCalls} in flight. Beyond the
 * bound a call fails at once instead of queueing. Results complete on the caller's Vert.x context.
 *
 * <p>Callers treat every failure as "no cache": a cache that cannot be reached costs hits, never requests.
 * Thread-safe.
 */
public final class AsyncCacheStore implements AutoCloseable {
    private final Vertx vertx;
    private final CacheStore store;
    private final Semaphore permits;
    private final int maxCalls;
    private final ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("offload-cache").factory());

    public AsyncCacheStore(Vertx vertx, CacheStore store, int maxCalls) {
        this.vertx = vertx;
        this.store = store;
        this.maxCalls = maxCalls;
        this.permits = new Semaphore(maxCalls);
    }

    /** The value under {@code key}, if any. */
    public Future<Optional<byte[]>> get(String key) {
        return call(() -> store.get(key));
    }

    /** Stores {@code value} under {@code key} for {@code ttl}. */
    public Future<Void> put(String key, byte[] value, Duration ttl) {
        return call(() -> {
            store.put(key, value, ttl);
            return null;
        });
    }

    /** Stores {@code value} under {@code key} for {@code ttl} unless a value is there; whether it did. */
    public Future<Boolean> putIfAbsent(String key, byte[] value, Duration ttl) {
        return call(() -> store.putIfAbsent(key, value, ttl));
    }

    /** Removes {@code key}. */
    public Future<Void> delete(String key) {
        return call(() -> {
            store.delete(key);
            return null;
        });
    }

    private <T> Future<T> call(Supplier<T> operation) {
        if (!permits.tryAcquire()) {
            return Future.failedFuture(new IllegalStateException(
                    "the cache has " + maxCalls + " calls in flight (gateway.maxStoreCalls)"));
        }
        CompletableFuture<T> result;
        try {
            result = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return operation.get();
                        } finally {
                            permits.release();
                        }
                    },
                    virtualThreads);
        } catch (RejectedExecutionException e) { // closed
            permits.release();
            return Future.failedFuture(e);
        }
        return Future.fromCompletionStage(result, vertx.getOrCreateContext())
                .recover(failure -> Future.failedFuture(
                        failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure));
    }

    /** Stops accepting calls and closes the store. */
    @Override
    public void close() {
        virtualThreads.shutdown();
        store.close();
    }
}
