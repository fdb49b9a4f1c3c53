package dev.offload.transport.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Hands records to a Kafka {@link Producer} from one thread of its own. {@code Producer.send} blocks while it waits
 * for a topic's metadata or for room in its buffer (up to {@code max.block.ms}), so no event loop may call it.
 *
 * <p>This replaces Vert.x's {@code KafkaWriteStream}, whose queue of sends in front of the producer had no bound:
 * while the producer blocked (a topic without metadata, or its buffer full while the broker was down), every send in
 * it waited up to {@code max.block.ms} in turn, long after its caller had been told that it failed. Here at most {@code maxWaiting} sends wait
 * (beyond that a send fails at once, as when the broker does not answer), and a send that waited past {@code maxWait}
 * is failed without being sent: its caller has been told by then that it failed ({@link SendDeadlines}). Sends leave
 * in the order they were made, and each answer goes from Kafka's I/O thread straight to its caller's context. (One
 * thread hop fewer per send than the write stream made; at 5,000 sends/s that measured the same CPU and latency.)
 *
 * <p>A platform thread, not a virtual one: it lives as long as the producer and spends its time in Kafka's client,
 * which gains nothing from unmounting. Thread-safe.
 */
final class ProducerThread<K, V> {
    private final Vertx vertx;
    private final Producer<K, V> producer;
    private final int maxWaiting;
    private final Duration maxWait;
    private final Queue<Send<K, V>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** True while the thread is parked or about to park; whoever clears it wakes the thread. */
    private final AtomicBoolean idle = new AtomicBoolean();

    private final Thread thread;
    private volatile boolean closed;

    ProducerThread(Vertx vertx, Producer<K, V> producer, String name, int maxWaiting, Duration maxWait) {
        this.vertx = vertx;
        this.producer = producer;
        this.maxWaiting = maxWaiting;
        this.maxWait = maxWait;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Sends {@code record}; the future completes on the caller's context once Kafka acknowledged it, or failed. */
    Future<Void> send(ProducerRecord<K, V> record) {
        if (closed) {
            return Future.failedFuture(new RejectedExecutionException("the Kafka producer is closed"));
        }
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            return Future.failedFuture(new RejectedExecutionException(
                    maxWaiting + " sends are already waiting for the Kafka producer, which is blocked"));
        }
        Promise<Void> promise = Promise.promise();
        waiting.add(new Send<>(record, promise, vertx.getOrCreateContext(), System.nanoTime() + maxWait.toNanos()));
        if (closed) {
            failLeftovers(); // closed after the check above: the thread may have made its last pass already
        } else if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
        return promise.future();
    }

    /**
     * Makes the producer connect and fetch the metadata of {@code topics} now (on a worker thread: it blocks), so that
     * the first sends do not wait for them. Fails if the metadata does not arrive within {@code max.block.ms}.
     */
    Future<Void> fetchMetadata(List<String> topics) {
        return vertx.executeBlocking(
                () -> {
                    topics.forEach(producer::partitionsFor);
                    return null;
                },
                false);
    }

    /** Number of sends waiting for the thread. */
    int waiting() {
        return waitingCount.get();
    }

    /**
     * Stops taking sends, fails those still waiting and closes the producer, giving its sends in flight up to
     * {@code timeout} to be acknowledged.
     */
    Future<Void> close(Duration timeout) {
        closed = true;
        LockSupport.unpark(thread);
        return vertx.executeBlocking(
                () -> {
                    thread.join(timeout);
                    failLeftovers(); // a send may have slipped in while the thread was stopping
                    producer.close(timeout);
                    return null;
                },
                false);
    }

    private void run() {
        while (!closed) {
            Send<K, V> next = waiting.poll();
            if (next == null) {
                park();
                continue;
            }
            waitingCount.decrementAndGet();
            if (System.nanoTime() - next.deadline() > 0) {
                next.answer(new TimeoutException("the send waited more than " + maxWait.toMillis()
                        + " ms for the Kafka producer and was not made"));
                continue;
            }
            try {
                producer.send(next.record(), (metadata, error) -> next.answer(error));
            } catch (RuntimeException e) {
                next.answer(e); // e.g. the metadata of its topic did not arrive within max.block.ms
            }
        }
        failLeftovers();
    }

    private void failLeftovers() {
        for (Send<K, V> left = waiting.poll(); left != null; left = waiting.poll()) {
            waitingCount.decrementAndGet();
            left.answer(new RejectedExecutionException("the Kafka producer closed before the send was made"));
        }
    }

    private void park() {
        idle.set(true);
        // A send added after the poll above but before idle was set saw no idle thread: look once more.
        if (waiting.isEmpty() && !closed) {
            LockSupport.park(this);
        }
        idle.set(false);
    }

    private record Send<K, V>(ProducerRecord<K, V> record, Promise<Void> promise, Context context, long deadline) {
        void answer(Exception error) {
            context.runOnContext(v -> {
                if (error == null) {
                    promise.complete();
                } else {
                    promise.fail(error);
                }
            });
        }
    }
}
