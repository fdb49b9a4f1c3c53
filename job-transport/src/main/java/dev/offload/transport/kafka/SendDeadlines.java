package dev.offload.transport.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * Fails the sends that Kafka has not answered within a bound, with one periodic sweep for all of them instead of a
 * Vert.x timer per send: at thousands of sends a second, arming and cancelling a timer for each cost about 3 % of the
 * gateway's CPU, for a bound that almost never fires.
 *
 * <p>Every send gets the same bound, so the queue is in deadline order: the sweep drops answered sends from its head
 * and fails the expired ones, and stops at the first send still within its bound. The queue therefore holds at most
 * the sends of the last bound plus one sweep period. A send fails at most one {@code sweepEvery} after its bound, on
 * the context it was made on. Thread-safe; one sweeper.
 */
final class SendDeadlines {
    private final Vertx vertx;
    private final Duration bound;
    private final Queue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
    private final long timer;

    SendDeadlines(Vertx vertx, Duration bound, Duration sweepEvery) {
        this.vertx = vertx;
        this.bound = bound;
        this.timer = vertx.setPeriodic(sweepEvery.toMillis(), id -> sweep(System.nanoTime()));
    }

    /** {@code sent}, or a failure with a {@link TimeoutException} if it is not complete within the bound. */
    <T> Future<T> bound(Future<T> sent) {
        if (sent.isComplete()) {
            return sent;
        }
        Promise<T> promise = Promise.promise();
        pending.add(new Pending<>(promise, vertx.getOrCreateContext(), System.nanoTime() + bound.toNanos()));
        sent.onComplete(promise::tryComplete, promise::tryFail);
        return promise.future();
    }

    /** Number of sends tracked (answered ones stay until the next sweep reaches them). */
    int size() {
        return pending.size();
    }

    void sweep(long nowNanos) {
        for (Pending<?> head = pending.peek(); head != null; head = pending.peek()) {
            if (!head.promise().future().isComplete() && nowNanos - head.deadline() < 0) {
                return; // every send behind it was made later, so none has expired either
            }
            pending.poll();
            head.expire("was not answered within " + bound.toMillis() + " ms");
        }
    }

    /** Stops the sweep and fails the sends still unanswered, so that no caller waits for good. */
    void close() {
        vertx.cancelTimer(timer);
        for (Pending<?> left = pending.poll(); left != null; left = pending.poll()) {
            left.expire("was not answered before the publisher closed");
        }
    }

    private record Pending<T>(Promise<T> promise, Context context, long deadline) {
        void expire(String why) {
            if (!promise.future().isComplete()) {
                context.runOnContext(v -> promise.tryFail(new TimeoutException("the send " + why)));
            }
        }
    }
}
