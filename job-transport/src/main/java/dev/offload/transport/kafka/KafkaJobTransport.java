package dev.offload.transport.kafka;

import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.JobTransport;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnknownQueueException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka {@link JobTransport}: one admin client and one producer per transport, one consumer per consumer. */
final class KafkaJobTransport implements JobTransport {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJobTransport.class);
    private static final long LEADER_POLL_MS = 100;

    private final Vertx vertx;
    private final KafkaTransportConfig config;
    private final KafkaAdminClient admin;
    private final KafkaJobPublisher publisher;

    KafkaJobTransport(Vertx vertx, KafkaTransportConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.admin = KafkaAdminClient.create(vertx, KafkaClients.admin(config));
        this.publisher = new KafkaJobPublisher(vertx, config, admin);
    }

    @Override
    public Future<Void> start() {
        List<String> topics = config.queues().stream()
                .flatMap(queue -> config.topics(queue).stream())
                .toList();
        Future<Void> started = admin.listTopics()
                .compose(existing -> createMissing(topics, existing))
                .compose(v -> awaitLeaders(
                        topics, System.nanoTime() + config.publishTimeout().toNanos()))
                // Without it the first publish of a fresh process waits for the producer's connection and the
                // topic's metadata, and a fresh gateway under load queues its first requests behind that.
                .compose(v -> publisher.fetchMetadata(topics))
                .compose(v -> admin.describeCluster())
                .<Void>mapEmpty()
                .timeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "Kafka at " + config.bootstrapServers() + " did not answer: " + e.getMessage(), e)));
        return onCallerContext(started);
    }

    private Future<Void> createMissing(List<String> topics, Set<String> existing) {
        List<NewTopic> missing = topics.stream()
                .filter(topic -> !existing.contains(topic))
                .map(topic -> new NewTopic(topic, config.partitions(), (short) config.replicationFactor()))
                .toList();
        if (missing.isEmpty()) {
            return Future.succeededFuture();
        }
        LOG.info(
                "creating Kafka topics {} with {} partitions, replication factor {}",
                missing.stream().map(NewTopic::getName).toList(),
                config.partitions(),
                config.replicationFactor());
        // Another process may create the same topics at the same moment: that is success too.
        return admin.createTopics(missing)
                .recover(e -> e instanceof TopicExistsException || e.getCause() instanceof TopicExistsException
                        ? Future.succeededFuture()
                        : Future.failedFuture(e));
    }

    /**
     * Waits until every partition of the topics has a leader that serves requests. A leader in the metadata is not
     * enough: a new partition answers produce requests with NOT_LEADER_OR_FOLLOWER for a moment after the metadata
     * names its leader, and an idempotent producer whose first batch is retried then may fail a later batch with
     * OutOfOrderSequence (seen in CI as publishes expiring right after start-up). Listing the partitions' offsets is
     * answered by the leader's replica manager itself, so its success means produce requests will be too. Bounded by
     * the timeout of {@link #start()}.
     */
    private Future<Void> awaitLeaders(List<String> topics, long deadline) {
        Future<Void> ready = admin.describeTopics(topics).compose(described -> {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : described.values()) {
                for (var partition : topic.getPartitions()) {
                    if (partition.getLeader() == null || partition.getLeader().getId() < 0) {
                        return Future.failedFuture("partition " + partition.getPartition() + " of " + topic.getName()
                                + " has no leader yet");
                    }
                    partitions.add(new TopicPartition(topic.getName(), partition.getPartition()));
                }
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.LATEST));
            return admin.listOffsets(latest).mapEmpty();
        });
        return ready.recover(notYet -> {
            if (System.nanoTime() - deadline > 0) {
                return Future.failedFuture("the partitions of " + topics + " are not ready: " + notYet.getMessage());
            }
            Promise<Void> later = Promise.promise();
            vertx.setTimer(LEADER_POLL_MS, id -> awaitLeaders(topics, deadline).onComplete(later));
            return later.future();
        });
    }

    @Override
    public JobPublisher publisher() {
        return publisher;
    }

    @Override
    public JobConsumer consumer(ConsumerOptions options) {
        for (String queue : options.queues()) {
            if (!config.queues().contains(queue)) {
                throw new UnknownQueueException(queue);
            }
        }
        return new KafkaJobConsumer(vertx, config, options);
    }

    /**
     * The workers' consumer-group lag over the queues' topics (every priority level's topic of a priority queue): end
     * offset minus the group's committed offset per
     * partition (minus the earliest offset where the group committed nothing yet). Three admin round trips.
     */
    @Override
    public Future<Long> backlog() {
        List<String> topics = config.queues().stream()
                .flatMap(queue -> config.topics(queue).stream())
                .toList();
        Future<Long> lag = admin.describeTopics(topics).compose(described -> {
            List<TopicPartition> partitions = new ArrayList<>();
            described
                    .values()
                    .forEach(topic -> topic.getPartitions()
                            .forEach(p -> partitions.add(new TopicPartition(topic.getName(), p.getPartition()))));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            partitions.forEach(p -> {
                latest.put(p, OffsetSpec.LATEST);
                earliest.put(p, OffsetSpec.EARLIEST);
            });
            var ends = admin.listOffsets(latest);
            var starts = admin.listOffsets(earliest);
            var committed = admin.listConsumerGroupOffsets(config.groupId());
            return Future.all(ends, starts, committed).map(all -> {
                long total = 0;
                for (TopicPartition partition : partitions) {
                    long end = ends.result().get(partition).getOffset();
                    var offset = committed.result().get(partition);
                    long from = offset != null
                            ? offset.getOffset()
                            : starts.result().get(partition).getOffset();
                    total += Math.max(0, end - from);
                }
                return total;
            });
        });
        return onCallerContext(lag.timeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "Kafka at " + config.bootstrapServers() + " did not report the lag: " + e.getMessage(), e))));
    }

    @Override
    public Future<Void> close() {
        return onCallerContext(publisher.close().eventually(admin::close));
    }

    /** Vert.x clients complete on their own context; callers expect their own (see {@link JobTransport}). */
    static <T> Future<T> onCallerContext(Future<T> future) {
        Context caller = Vertx.currentContext();
        return caller == null ? future : Future.fromCompletionStage(future.toCompletionStage(), caller);
    }
}
