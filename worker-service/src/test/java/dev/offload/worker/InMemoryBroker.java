package dev.offload.worker;

import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobDeliveryHandler;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.TransportUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake of our transport seam for unit tests: one queue, messages handed round-robin to the started consumers on a
 * single "transport thread", a message whose stage fails comes again. Thread-safe.
 */
final class InMemoryBroker implements AutoCloseable {
    private final ExecutorService transportThread = Executors.newSingleThreadExecutor();
    private final Deque<JobEnvelope> pending = new ArrayDeque<>();
    private final List<FakeConsumer> started = new CopyOnWriteArrayList<>();
    private final List<JobEnvelope> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private int nextConsumer;
    private volatile boolean refusing;

    JobPublisher publisher() {
        return new JobPublisher() {
            @Override
            public Future<Void> publish(JobEnvelope envelope) {
                if (refusing) {
                    refused.incrementAndGet();
                    return Future.failedFuture(new TransportUnavailableException("broker down (test)", null));
                }
                published.add(envelope);
                enqueue(envelope);
                return Future.succeededFuture();
            }

            @Override
            public Future<Void> checkHealth() {
                return Future.succeededFuture();
            }

            @Override
            public Future<Void> close() {
                return Future.succeededFuture();
            }
        };
    }

    JobConsumer consumer() {
        return new FakeConsumer();
    }

    /** Every message published, in order. */
    List<JobEnvelope> published() {
        return List.copyOf(published);
    }

    int acknowledged() {
        return acknowledged.get();
    }

    int refused() {
        return refused.get();
    }

    void refusePublications(boolean refuse) {
        refusing = refuse;
    }

    /** Hands a message to a consumer without publishing it, e.g. a duplicate delivery. */
    void redeliver(JobEnvelope envelope) {
        enqueue(envelope);
    }

    private void enqueue(JobEnvelope envelope) {
        transportThread.execute(() -> {
            pending.add(envelope);
            dispatch();
        });
    }

    private void dispatch() {
        while (!pending.isEmpty() && !started.isEmpty()) {
            FakeConsumer consumer = started.get(nextConsumer++ % started.size());
            consumer.deliver(pending.poll());
        }
    }

    @Override
    public void close() {
        transportThread.shutdownNow();
    }

    private final class FakeConsumer implements JobConsumer {
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile JobDeliveryHandler handler;

        @Override
        public Future<Void> start(JobDeliveryHandler deliveryHandler) {
            transportThread.execute(() -> {
                handler = deliveryHandler;
                started.add(this);
                dispatch();
            });
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> stop() {
            started.remove(this);
            return Future.succeededFuture();
        }

        @Override
        public int inFlight() {
            return inFlight.get();
        }

        private void deliver(JobEnvelope envelope) {
            inFlight.incrementAndGet();
            handler.handle(envelope).whenComplete((ignored, failure) -> {
                inFlight.decrementAndGet();
                if (failure == null) {
                    acknowledged.incrementAndGet();
                } else {
                    enqueue(envelope);
                }
            });
        }
    }
}
