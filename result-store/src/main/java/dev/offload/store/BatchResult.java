package dev.offload.store;

import java.util.Objects;

/**
 * The outcome of one item of a batched store call ({@link JobStore#createAll}, {@link JobStore#compareAndSetAll}):
 * the value the single call would have returned, or the exception it would have thrown. A batch fails as a whole only
 * when the store cannot be reached; then the batched method throws {@link StoreUnavailableException} itself.
 */
public sealed interface BatchResult<T> {

    /** The value, or the item's exception rethrown. */
    T get();

    static <T> BatchResult<T> of(T value) {
        return new Value<>(value);
    }

    static <T> BatchResult<T> failed(RuntimeException error) {
        return new Failure<>(Objects.requireNonNull(error, "error"));
    }

    /** A failure from an asynchronous call, whose cause may be any {@link Throwable}: unchecked ones kept as they are. */
    static <T> BatchResult<T> failedBy(Throwable error) {
        return failed(error instanceof RuntimeException e ? e : new IllegalStateException(error.getMessage(), error));
    }

    /** Runs {@code call} and keeps its value or the exception it threw. */
    static <T> BatchResult<T> capture(java.util.function.Supplier<T> call) {
        try {
            return of(call.get());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /** The item succeeded. */
    record Value<T>(T value) implements BatchResult<T> {
        @Override
        public T get() {
            return value;
        }
    }

    /** The item failed on its own; the other items of the batch are unaffected. */
    record Failure<T>(RuntimeException error) implements BatchResult<T> {
        @Override
        public T get() {
            throw error;
        }
    }
}
