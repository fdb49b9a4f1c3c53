package dev.offload.transport;

import dev.offload.model.JobEnvelope;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A {@link JobTransport} that sends each logical queue to the transport configured for it (see {@link
 * Transports#routed}). Its publisher publishes on the queue's transport; a consumer of queues on several transports is
 * one consumer per transport behind one {@link JobConsumer}. A queue no transport serves is an {@link
 * UnknownQueueException}. Thread-safe; futures complete as the underlying transports' do.
 */
final class RoutedTransport implements JobTransport {
    private final Map<String, JobTransport> byQueue;
    private final List<JobTransport> transports;
    private final JobPublisher publisher = new RoutedPublisher();

    RoutedTransport(Map<String, JobTransport> byQueue) {
        this.byQueue = Map.copyOf(byQueue);
        this.transports = List.copyOf(new LinkedHashSet<>(byQueue.values()));
    }

    @Override
    public Future<Void> start() {
        return all(transports.stream().map(JobTransport::start).toList());
    }

    @Override
    public JobPublisher publisher() {
        return publisher;
    }

    @Override
    public JobConsumer consumer(ConsumerOptions options) {
        Map<JobTransport, List<String>> queuesByTransport = new LinkedHashMap<>();
        for (String queue : options.queues()) {
            queuesByTransport
                    .computeIfAbsent(transportOf(queue), t -> new ArrayList<>())
                    .add(queue);
        }
        List<JobConsumer> consumers = new ArrayList<>();
        queuesByTransport.forEach((transport, queues) -> consumers.add(transport.consumer(
                new ConsumerOptions(queues, options.groupId(), options.maxInFlight(), options.shutdownGrace()))));
        return consumers.size() == 1 ? consumers.getFirst() : new CompositeConsumer(consumers);
    }

    @Override
    public Future<Long> backlog() {
        List<Future<Long>> backlogs =
                transports.stream().map(JobTransport::backlog).toList();
        return Future.all(backlogs)
                .map(all -> backlogs.stream().mapToLong(Future::result).sum());
    }

    @Override
    public Future<Void> close() {
        return all(transports.stream().map(JobTransport::close).toList());
    }

    private JobTransport transportOf(String queue) {
        JobTransport transport = byQueue.get(queue);
        if (transport == null) {
            throw new UnknownQueueException(queue);
        }
        return transport;
    }

    /** Waits for all, then fails with the first failure if any (so that nothing is left half-done in the background). */
    private static Future<Void> all(List<Future<Void>> futures) {
        return Future.join(futures).<Void>mapEmpty().recover(e -> {
            for (Future<Void> future : futures) {
                if (future.failed()) {
                    return Future.failedFuture(future.cause());
                }
            }
            return Future.failedFuture(e);
        });
    }

    private final class RoutedPublisher implements JobPublisher {
        @Override
        public Future<Void> publish(JobEnvelope envelope) {
            JobTransport transport = byQueue.get(envelope.queue());
            return transport == null
                    ? Future.failedFuture(new UnknownQueueException(envelope.queue()))
                    : transport.publisher().publish(envelope);
        }

        @Override
        public Future<Void> checkHealth() {
            return all(transports.stream().map(t -> t.publisher().checkHealth()).toList());
        }

        @Override
        public Future<Void> close() {
            return all(transports.stream().map(t -> t.publisher().close()).toList());
        }
    }

    /**
     * Consumers of several transports as one. Each gets the full {@code maxInFlight}, so together they may hand the
     * handler up to that many per transport; the worker's own concurrency limit ({@code worker.concurrency}) bounds
     * what runs at once, and the surplus waits for a slot without being acknowledged.
     */
    private static final class CompositeConsumer implements JobConsumer {
        private final List<JobConsumer> consumers;

        CompositeConsumer(List<JobConsumer> consumers) {
            this.consumers = List.copyOf(consumers);
        }

        @Override
        public Future<Void> start(JobDeliveryHandler handler) {
            return all(consumers.stream().map(c -> c.start(handler)).toList());
        }

        @Override
        public Future<Void> stop() {
            return all(consumers.stream().map(JobConsumer::stop).toList());
        }

        @Override
        public int inFlight() {
            return consumers.stream().mapToInt(JobConsumer::inFlight).sum();
        }
    }
}
