package dev.offload.transport.kafka;

import dev.offload.model.JobEnvelope;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobDeliveryHandler;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.PriorityLevel;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka {@link JobConsumer}: one consumer group member with a bounded number of messages in flight.
 *
 * <p>The consumer drives Kafka's poll itself ({@link KafkaReadStream#poll}) instead of using the stream's record
 * handler, because the stream drops the rest of a fetched batch on every seek (records of other partitions included)
 * and stops polling when paused; here polling never stops, and flow control is Kafka's {@code pause(partitions)}.
 * Fetched records wait in a small local buffer until a slot is free.
 *
 * <p>On a queue configured for priorities each {@link PriorityLevel} is a topic of its own, and the buffer has one lane
 * per level ({@link WeightedLanes}): a free slot goes to a lane by the configured weights, among the lanes that have
 * records, so an idle level leaves its share to the others. Flow control is per level: a level's partitions are paused
 * while {@code maxInFlight} of its records wait in the buffer, so a backlog of one level never stops the others from
 * being fetched, and an urgent record that arrives behind a flood of normal ones waits only for a running job to
 * finish. A full lane's worth of waiting records keeps every level supplied between polls, so the weights hold under
 * load. A queue without priorities is one lane ({@link PriorityLevel#NORMAL}). At most {@code maxInFlight} records are
 * with the handler at once; the buffer holds at most about that many again per level.
 *
 * <p>Offsets are committed per partition at the lowest outstanding offset ({@link PartitionProgress}) every
 * {@value #COMMIT_INTERVAL_MS} ms, when partitions are revoked and on stop. A failed handler stage makes the
 * consumer seek the partition back to the failed offset after a short backoff; the records after it come again too
 * (at least once). A record whose value is not an envelope is logged and committed: it can never succeed.
 *
 * <p>All state below is confined to the consumer's Vert.x context (an event loop); only {@link #inFlight()} is read
 * from other threads. Rebalance notifications from the Vert.x client reach that context after the rebalance step
 * finished, so the commit on revocation is a best effort; the periodic commit keeps the redelivery window small.
 */
final class KafkaJobConsumer implements JobConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJobConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /**
     * The poll timeout while some level is paused. The client runs pause, resume and poll one after another on one
     * thread, so a resume waits for the poll before it; a long poll would leave a level that just drained without
     * records for that long while the others take its slots.
     */
    private static final Duration POLL_TIMEOUT_WHILE_PAUSED = Duration.ofMillis(10);

    private static final long COMMIT_INTERVAL_MS = 500;
    private static final long RETRY_BACKOFF_MS = 500;
    private static final long POLL_ERROR_BACKOFF_MS = 200;
    private static final long FINAL_COMMIT_TIMEOUT_MS = 5_000;

    private enum State {
        NEW,
        RUNNING,
        STOPPING,
        CLOSING,
        STOPPED
    }

    private final Vertx vertx;
    private final Context context;
    private final KafkaTransportConfig config;
    private final ConsumerOptions options;
    private final AtomicInteger inFlight = new AtomicInteger();

    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    /** The level of each subscribed topic: the level topics of priority queues, NORMAL for every other topic. */
    private final Map<String, PriorityLevel> levels = new HashMap<>();

    private final WeightedLanes<ConsumerRecord<String, byte[]>> buffer;
    /** The levels whose partitions are paused (or are to be, see {@link #pauseStale}). */
    private final Set<PriorityLevel> paused = EnumSet.noneOf(PriorityLevel.class);
    /** Partitions waiting to be sought back to the offset of a failed record. */
    private final Map<TopicPartition, Long> rewinding = new HashMap<>();

    private volatile State state = State.NEW;
    private KafkaReadStream<String, byte[]> kafka;
    private JobDeliveryHandler handler;
    private boolean pauseStale;
    private long commitTimer = -1;
    private Promise<Void> drained;
    private Future<Void> stopped;

    KafkaJobConsumer(Vertx vertx, KafkaTransportConfig config, ConsumerOptions options) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.options = options;
        this.buffer = new WeightedLanes<>(config.priorityWeights());
        for (String queue : options.queues()) {
            levels.put(config.topic(queue), PriorityLevel.NORMAL);
            if (config.isPriorityQueue(queue)) {
                for (PriorityLevel level : PriorityLevel.values()) {
                    levels.put(config.topic(queue, level), level);
                }
            }
        }
    }

    @Override
    public Future<Void> start(JobDeliveryHandler handler) {
        Promise<Void> subscribed = Promise.promise();
        context.runOnContext(v -> subscribe(handler).onComplete(subscribed));
        return KafkaJobTransport.onCallerContext(subscribed.future());
    }

    private Future<Void> subscribe(JobDeliveryHandler handler) {
        if (state != State.NEW) {
            return Future.failedFuture(new IllegalStateException("the consumer was started before"));
        }
        this.handler = handler;
        state = State.RUNNING;
        Set<String> topics = Set.copyOf(levels.keySet());
        // Creating the Kafka consumer does a little blocking work; the stream binds to the context it runs on.
        return context.executeBlocking(() -> createStream())
                .compose(stream -> {
                    kafka = stream;
                    kafka.partitionsAssignedHandler(this::assigned);
                    kafka.partitionsRevokedHandler(this::revoked);
                    return kafka.subscribe(topics);
                })
                .onSuccess(v -> {
                    commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit(progress.keySet()));
                    poll();
                })
                .onFailure(e -> {
                    state = State.STOPPED;
                    if (kafka != null) {
                        kafka.close(); // release the client of a consumer that never ran
                    }
                });
    }

    private KafkaReadStream<String, byte[]> createStream() {
        return KafkaReadStream.create(vertx, KafkaClients.consumer(config, options));
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    // ---- fetching --------------------------------------------------------------------------------------------

    private void poll() {
        if (state == State.CLOSING || state == State.STOPPED) {
            return;
        }
        kafka.poll(paused.isEmpty() ? POLL_TIMEOUT : POLL_TIMEOUT_WHILE_PAUSED).onComplete(result -> {
            if (result.succeeded()) {
                accept(result.result());
                afterChange();
                poll();
            } else {
                LOG.warn("Kafka poll failed; polling again in {} ms", POLL_ERROR_BACKOFF_MS, result.cause());
                vertx.setTimer(POLL_ERROR_BACKOFF_MS, id -> poll());
            }
        });
    }

    private void accept(ConsumerRecords<String, byte[]> records) {
        if (records == null) {
            return;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            PartitionProgress partitionProgress = progress.get(partition);
            // Not ours any more, or about to be fetched again from an earlier offset, or shutting down.
            if (partitionProgress == null || rewinding.containsKey(partition) || state != State.RUNNING) {
                continue;
            }
            partitionProgress.received(record.offset());
            buffer.add(levelOf(partition), record);
        }
    }

    /** Hands buffered records to the handler while slots are free, then pauses or resumes fetching. */
    private void afterChange() {
        while (state == State.RUNNING && inFlight.get() < options.maxInFlight() && !buffer.isEmpty()) {
            deliver(buffer.poll());
        }
        applyFlowControl();
        if (drained != null && inFlight.get() == 0) {
            drained.tryComplete();
        }
    }

    private void applyFlowControl() {
        boolean stale = pauseStale;
        pauseStale = false;
        for (PriorityLevel level : PriorityLevel.values()) {
            boolean full = buffer.size(level) >= options.maxInFlight() || state != State.RUNNING;
            if (full == paused.contains(level) && !stale) {
                continue;
            }
            if (full) {
                paused.add(level);
            } else {
                paused.remove(level);
            }
            Set<TopicPartition> partitions = partitionsOf(level);
            if (partitions.isEmpty()) {
                continue;
            }
            Future<Void> applied = full ? kafka.pause(partitions) : kafka.resume(partitions);
            // The assignment may have changed under us (the client learns of a rebalance before this context does):
            // try again after the next poll.
            applied.onFailure(e -> pauseStale = true);
        }
    }

    private Set<TopicPartition> partitionsOf(PriorityLevel level) {
        return progress.keySet().stream()
                .filter(partition -> levelOf(partition) == level)
                .collect(Collectors.toUnmodifiableSet());
    }

    private PriorityLevel levelOf(TopicPartition partition) {
        return levels.getOrDefault(partition.topic(), PriorityLevel.NORMAL);
    }

    // ---- handling --------------------------------------------------------------------------------------------

    private void deliver(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress partitionProgress = progress.get(partition);
        if (partitionProgress == null) {
            return;
        }
        JobEnvelope envelope;
        try {
            envelope = EnvelopeRecords.fromRecord(record);
        } catch (IllegalArgumentException e) {
            LOG.error(
                    "skipping record {} at offset {}: {}; it is committed and will not come again",
                    partition,
                    record.offset(),
                    e.getMessage());
            partitionProgress.completed(record.offset());
            return;
        }
        inFlight.incrementAndGet();
        Future.fromCompletionStage(invoke(envelope), context)
                .onComplete(result -> finished(partition, partitionProgress, record.offset(), envelope, result));
    }

    private CompletionStage<Void> invoke(JobEnvelope envelope) {
        try {
            CompletionStage<Void> stage = handler.handle(envelope);
            return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException("null stage"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void finished(
            TopicPartition partition,
            PartitionProgress partitionProgress,
            long offset,
            JobEnvelope envelope,
            AsyncResult<Void> result) {
        inFlight.decrementAndGet();
        if (progress.get(partition) != partitionProgress) {
            // Revoked meanwhile: the new owner decides about this record.
        } else if (result.succeeded()) {
            partitionProgress.completed(offset);
        } else {
            LOG.warn(
                    "job {} ({} offset {}) failed in the handler; it will be delivered again",
                    envelope.jobId(),
                    partition,
                    offset,
                    result.cause());
            rewind(partition, offset);
        }
        afterChange();
    }

    // ---- redelivery of failed records ---------------------------------------------------------------------------

    private void rewind(TopicPartition partition, long offset) {
        Long target = rewinding.get(partition);
        if (target != null && target <= offset) {
            return; // an earlier seek covers this record
        }
        rewinding.put(partition, offset);
        dropBuffered(partition, offset);
        if (target == null) {
            vertx.setTimer(RETRY_BACKOFF_MS, id -> seek(partition));
        }
    }

    private void seek(TopicPartition partition) {
        Long target = rewinding.get(partition);
        if (target == null || !progress.containsKey(partition) || state != State.RUNNING) {
            rewinding.remove(partition);
            return;
        }
        kafka.seek(partition, target).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("cannot seek {} back to {}", partition, target, result.cause());
            }
            Long now = rewinding.get(partition);
            if (now != null && now < target) {
                seek(partition); // an earlier record failed while seeking
            } else {
                rewinding.remove(partition);
            }
        });
    }

    private void dropBuffered(TopicPartition partition, long fromOffset) {
        List<ConsumerRecord<String, byte[]>> dropped =
                buffer.removeIf(record -> record.topic().equals(partition.topic())
                        && record.partition() == partition.partition()
                        && record.offset() >= fromOffset);
        PartitionProgress partitionProgress = progress.get(partition);
        if (partitionProgress != null) {
            dropped.forEach(record -> partitionProgress.dropped(record.offset()));
        }
    }

    // ---- group membership and commits -----------------------------------------------------------------------

    private void assigned(Set<TopicPartition> partitions) {
        partitions.forEach(partition -> progress.putIfAbsent(partition, new PartitionProgress()));
        LOG.debug("assigned {}", partitions);
        Set<TopicPartition> toPause = partitions.stream()
                .filter(partition -> paused.contains(levelOf(partition)))
                .collect(Collectors.toUnmodifiableSet());
        if (!toPause.isEmpty()) {
            kafka.pause(toPause).onFailure(e -> pauseStale = true);
        }
    }

    private void revoked(Set<TopicPartition> partitions) {
        LOG.debug("revoked {}", partitions);
        commit(partitions);
        for (TopicPartition partition : partitions) {
            dropBuffered(partition, 0);
            progress.remove(partition);
            rewinding.remove(partition);
        }
        afterChange();
    }

    private Future<Void> commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionProgress partitionProgress = progress.get(partition);
            if (partitionProgress != null) {
                partitionProgress
                        .committable()
                        .ifPresent(position -> offsets.put(partition, new OffsetAndMetadata(position)));
            }
        }
        if (offsets.isEmpty() || kafka == null) {
            return Future.succeededFuture();
        }
        return kafka.commit(offsets)
                .onSuccess(committed -> offsets.forEach((partition, offset) -> {
                    PartitionProgress partitionProgress = progress.get(partition);
                    if (partitionProgress != null) {
                        partitionProgress.committed(offset.offset());
                    }
                }))
                .onFailure(e -> LOG.warn("committing {} failed; will try again", offsets, e))
                .mapEmpty();
    }

    // ---- stopping --------------------------------------------------------------------------------------------

    @Override
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> shutdown().onComplete(done));
        return KafkaJobTransport.onCallerContext(done.future());
    }

    private Future<Void> shutdown() {
        if (stopped != null) {
            return stopped;
        }
        if (state == State.NEW) {
            state = State.STOPPED;
            stopped = Future.succeededFuture();
            return stopped;
        }
        state = State.STOPPING;
        for (ConsumerRecord<String, byte[]> record : buffer.removeIf(record -> true)) {
            PartitionProgress partitionProgress = progress.get(new TopicPartition(record.topic(), record.partition()));
            if (partitionProgress != null) {
                partitionProgress.dropped(record.offset());
            }
        }
        drained = Promise.promise();
        afterChange();
        long graceTimer = vertx.setTimer(Math.max(1, options.shutdownGrace().toMillis()), id -> drained.tryComplete());
        stopped = drained.future()
                .compose(v -> {
                    vertx.cancelTimer(graceTimer);
                    if (inFlight.get() > 0) {
                        LOG.warn(
                                "stopping with {} jobs still running; their messages will be delivered again",
                                inFlight.get());
                    }
                    // Polling goes on until the commit is answered: the client completes commits inside poll.
                    return commit(Set.copyOf(progress.keySet()))
                            .timeout(FINAL_COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                            .recover(e -> Future.succeededFuture());
                })
                .compose(v -> {
                    state = State.CLOSING;
                    vertx.cancelTimer(commitTimer);
                    return kafka.close();
                })
                .onComplete(result -> {
                    state = State.STOPPED;
                    if (result.failed()) {
                        LOG.warn("closing the Kafka consumer failed", result.cause());
                    }
                })
                .recover(e -> Future.succeededFuture());
        return stopped;
    }
}
