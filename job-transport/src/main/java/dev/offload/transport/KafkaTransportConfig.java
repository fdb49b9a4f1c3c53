package dev.offload.transport;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the Kafka transport. Immutable; every instance is valid (the constructor rejects bad values with a
 * message naming the configuration key).
 *
 * @param bootstrapServers the brokers to contact first, {@code host:port[,host:port…]}
 * @param topicPrefix the topic of a logical queue is this prefix followed by the queue name
 * @param partitions partitions of a topic created by {@link JobTransport#start()}; bounds the useful number of
 *     consumers per queue
 * @param replicationFactor replicas of a topic created by {@link JobTransport#start()}
 * @param publishTimeout the longest a publish may take before it fails with {@link TransportUnavailableException}
 * @param groupId the consumer group of the workers
 * @param queues the logical queues this deployment serves; publishing elsewhere is an {@link UnknownQueueException}
 * @param priorityQueues the queues (of {@code queues}) whose jobs are split by {@link PriorityLevel} into one topic per
 *     level, consumed by weight; every other queue is one topic in arrival order
 * @param priorityWeights how consumers share their capacity among the levels of the priority queues
 */
public record KafkaTransportConfig(
        String bootstrapServers,
        String topicPrefix,
        int partitions,
        int replicationFactor,
        Duration publishTimeout,
        String groupId,
        List<String> queues,
        List<String> priorityQueues,
        PriorityWeights priorityWeights) {
    private static final String GROUP = "Kafka transport";
    /** Kafka's own rule for topic names: at most 249 of these characters. */
    private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._-]*");

    private static final int MAX_TOPIC_LENGTH = 249;

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.in(GROUP, "transport.kafka.bootstrapServers")
            .essential()
            .doc("Kafka brokers to contact first, host:port[,host:port...]. Standalone mode starts its own broker"
                    + " and ignores this.")
            .string("127.0.0.1:9092");
    public static final ConfigKey<String> TOPIC_PREFIX = ConfigKey.in(GROUP, "transport.kafka.topicPrefix")
            .doc("The topic of a queue is this prefix followed by the queue name.")
            .string("offload.jobs.");
    public static final ConfigKey<Integer> PARTITIONS = ConfigKey.in(GROUP, "transport.kafka.partitions")
            .doc("Partitions of each queue topic that Offload creates; more partitions allow more workers per queue"
                    + " (existing topics are left as they are).")
            .integer(6, 1, 10_000);
    public static final ConfigKey<Integer> REPLICATION_FACTOR = ConfigKey.in(GROUP, "transport.kafka.replicationFactor")
            .doc("Replicas of each queue topic that Offload creates. 1 suits a single broker; production wants 3,"
                    + " with min.insync.replicas=2 on the brokers or topics, so that an acknowledged job survives the"
                    + " loss of a broker.")
            .integer(1, 1, 32);
    public static final ConfigKey<Duration> PUBLISH_TIMEOUT = ConfigKey.in(GROUP, "transport.kafka.publishTimeout")
            .doc("The longest a publish waits for the brokers' acknowledgement (including waiting for metadata);"
                    + " past it the submit fails with 503 instead of hanging.")
            .duration(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMinutes(5));
    public static final ConfigKey<String> GROUP_ID = ConfigKey.in(GROUP, "transport.kafka.groupId")
            .doc("Consumer group of the workers; all workers of a deployment share it.")
            .string("offload-workers");
    public static final ConfigKey<List<String>> QUEUES = ConfigKey.in(GROUP, "transport.queues")
            .doc("The logical queues of this deployment (letters, digits, '.', '_' and '-'); a job names one of them."
                    + " Each queue is one Kafka topic, unless transport.rabbitmq.queues puts it on RabbitMQ.")
            .list(List.of("default"));
    public static final ConfigKey<List<String>> PRIORITY_QUEUES = ConfigKey.in(GROUP, "transport.kafka.priorityQueues")
            .doc("Queues on Kafka whose jobs are split by priority into three topics: priority 7-9 on the queue's"
                    + " topic + '.urgent', 3-6 on + '.high', 0-2 (the default) on the queue's own topic. Workers take"
                    + " from them by transport.kafka.priorityWeights.*; within a level, jobs keep arrival order. Empty:"
                    + " Kafka ignores job priorities.")
            .list(List.of());

    public KafkaTransportConfig {
        Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS.name());
        Objects.requireNonNull(topicPrefix, TOPIC_PREFIX.name());
        Objects.requireNonNull(publishTimeout, PUBLISH_TIMEOUT.name());
        Objects.requireNonNull(groupId, GROUP_ID.name());
        Objects.requireNonNull(queues, QUEUES.name());
        Objects.requireNonNull(priorityQueues, PRIORITY_QUEUES.name());
        Objects.requireNonNull(priorityWeights, "priorityWeights");
        queues = List.copyOf(queues);
        priorityQueues = List.copyOf(priorityQueues);
        List<String> problems =
                problems(bootstrapServers, topicPrefix, partitions, replicationFactor, publishTimeout, groupId, queues);
        problems.addAll(priorityProblems(topicPrefix, queues, priorityQueues));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults: a broker on 127.0.0.1:9092 and one queue named {@code default}. */
    public static KafkaTransportConfig defaults() {
        return new KafkaTransportConfig(
                BOOTSTRAP_SERVERS.defaultValue(),
                TOPIC_PREFIX.defaultValue(),
                PARTITIONS.defaultValue(),
                REPLICATION_FACTOR.defaultValue(),
                PUBLISH_TIMEOUT.defaultValue(),
                GROUP_ID.defaultValue(),
                QUEUES.defaultValue(),
                PRIORITY_QUEUES.defaultValue(),
                PriorityWeights.defaults());
    }

    /**
     * Reads the keys; invalid values are recorded in {@code settings} (reported by {@link Settings#validate}) and the
     * defaults returned instead, so that reading can go on.
     */
    public static KafkaTransportConfig from(Settings settings) {
        String bootstrap = settings.get(BOOTSTRAP_SERVERS);
        String prefix = settings.get(TOPIC_PREFIX);
        int partitions = settings.get(PARTITIONS);
        int replication = settings.get(REPLICATION_FACTOR);
        Duration timeout = settings.get(PUBLISH_TIMEOUT);
        String group = settings.get(GROUP_ID);
        List<String> queues = settings.get(QUEUES);
        List<String> priorityQueues = settings.get(PRIORITY_QUEUES);
        PriorityWeights weights = new PriorityWeights(
                settings.get(PriorityWeights.URGENT),
                settings.get(PriorityWeights.HIGH),
                settings.get(PriorityWeights.NORMAL));
        List<String> problems = problems(bootstrap, prefix, partitions, replication, timeout, group, queues);
        problems.addAll(priorityProblems(prefix, queues, priorityQueues));
        if (!problems.isEmpty()) {
            problems.forEach(settings::reject);
            return defaults();
        }
        return new KafkaTransportConfig(
                bootstrap, prefix, partitions, replication, timeout, group, queues, priorityQueues, weights);
    }

    /** Every key this record reads, for validation and the reference page. */
    public static List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(
                BOOTSTRAP_SERVERS,
                TOPIC_PREFIX,
                PARTITIONS,
                REPLICATION_FACTOR,
                PUBLISH_TIMEOUT,
                GROUP_ID,
                QUEUES,
                PRIORITY_QUEUES));
        keys.addAll(PriorityWeights.keys());
        return List.copyOf(keys);
    }

    /** The Kafka topic of a logical queue: of all its jobs, or of its {@link PriorityLevel#NORMAL} jobs. */
    public String topic(String queue) {
        return topicPrefix + queue;
    }

    /** The Kafka topic that a job of this priority is published to on {@code queue}. */
    public String topic(String queue, int priority) {
        return isPriorityQueue(queue) ? topic(queue, PriorityLevel.of(priority)) : topic(queue);
    }

    /** The topic of one priority level of a queue (meaningful for {@linkplain #isPriorityQueue priority queues}). */
    public String topic(String queue, PriorityLevel level) {
        return topic(queue) + level.topicSuffix();
    }

    /** Every topic of a queue: one, or one per {@link PriorityLevel} for a priority queue. */
    public List<String> topics(String queue) {
        return isPriorityQueue(queue)
                ? Arrays.stream(PriorityLevel.values())
                        .map(level -> topic(queue, level))
                        .toList()
                : List.of(topic(queue));
    }

    /** Whether the queue's jobs are split by priority level (see {@link #PRIORITY_QUEUES}). */
    public boolean isPriorityQueue(String queue) {
        return priorityQueues.contains(queue);
    }

    /** A copy with other brokers, e.g. those of an embedded broker or a test fixture. */
    public KafkaTransportConfig withBootstrapServers(String servers) {
        return new KafkaTransportConfig(
                servers,
                topicPrefix,
                partitions,
                replicationFactor,
                publishTimeout,
                groupId,
                queues,
                priorityQueues,
                priorityWeights);
    }

    /**
     * A copy serving other queues, e.g. those of a deployment that are not on RabbitMQ; of the priority queues, those
     * among {@code queues} stay.
     */
    public KafkaTransportConfig withQueues(List<String> queues) {
        return new KafkaTransportConfig(
                bootstrapServers,
                topicPrefix,
                partitions,
                replicationFactor,
                publishTimeout,
                groupId,
                queues,
                priorityQueues.stream().filter(queues::contains).toList(),
                priorityWeights);
    }

    /** A copy whose jobs on {@code priorityQueues} are split by priority level and consumed with {@code weights}. */
    public KafkaTransportConfig withPriorities(List<String> priorityQueues, PriorityWeights weights) {
        return new KafkaTransportConfig(
                bootstrapServers,
                topicPrefix,
                partitions,
                replicationFactor,
                publishTimeout,
                groupId,
                queues,
                priorityQueues,
                weights);
    }

    private static List<String> problems(
            String bootstrap,
            String prefix,
            int partitions,
            int replication,
            Duration timeout,
            String group,
            List<String> queues) {
        List<String> problems = new ArrayList<>();
        if (!bootstrap.matches("\\s*[^\\s,:]+:\\d{1,5}\\s*(,\\s*[^\\s,:]+:\\d{1,5}\\s*)*")) {
            problems.add(BOOTSTRAP_SERVERS.name() + " must be host:port[,host:port...], but was '" + bootstrap + "'");
        }
        if (!TOPIC_CHARS.matcher(prefix).matches()) {
            problems.add(
                    TOPIC_PREFIX.name() + " may use only letters, digits, '.', '_' and '-', but was '" + prefix + "'");
        }
        if (partitions < 1) {
            problems.add(PARTITIONS.name() + " must be at least 1, but was " + partitions);
        }
        if (replication < 1 || replication > Short.MAX_VALUE) {
            problems.add(REPLICATION_FACTOR.name() + " must be from 1 to 32767, but was " + replication);
        }
        if (timeout.toMillis() < 500) {
            problems.add(PUBLISH_TIMEOUT.name() + " must be at least 500ms, but was " + timeout);
        }
        if (group.isBlank()) {
            problems.add(GROUP_ID.name() + " must not be blank");
        }
        problems.addAll(queueProblems(prefix, queues));
        return problems;
    }

    private static List<String> priorityProblems(String prefix, List<String> queues, List<String> priorityQueues) {
        List<String> problems = new ArrayList<>();
        int longestSuffix = Arrays.stream(PriorityLevel.values())
                .mapToInt(level -> level.topicSuffix().length())
                .max()
                .orElse(0);
        for (String queue : priorityQueues) {
            if (!queues.contains(queue)) {
                problems.add(PRIORITY_QUEUES.name() + " names '" + queue + "', which is not one of " + QUEUES.name()
                        + " " + queues);
            } else if ((prefix + queue).length() + longestSuffix > MAX_TOPIC_LENGTH) {
                problems.add(PRIORITY_QUEUES.name() + ": the topics of queue '" + queue + "' would be longer than "
                        + MAX_TOPIC_LENGTH + " characters (" + TOPIC_PREFIX.name() + " + queue + '.urgent')");
            }
            for (PriorityLevel level : PriorityLevel.values()) {
                String clash = queue + level.topicSuffix();
                if (level != PriorityLevel.NORMAL && queues.contains(clash)) {
                    problems.add(PRIORITY_QUEUES.name() + ": the "
                            + level.name().toLowerCase(Locale.ROOT) + " topic of queue '" + queue
                            + "' is the topic of queue '" + clash + "'; rename one");
                }
            }
        }
        if (priorityQueues.stream().distinct().count() != priorityQueues.size()) {
            problems.add(PRIORITY_QUEUES.name() + " must not name a queue twice, but was " + priorityQueues);
        }
        return problems;
    }

    private static List<String> queueProblems(String prefix, List<String> queues) {
        List<String> problems = new ArrayList<>();
        if (queues.isEmpty()) {
            problems.add(QUEUES.name() + " must name at least one queue");
        }
        for (String queue : queues) {
            boolean valid = !queue.isEmpty()
                    && TOPIC_CHARS.matcher(queue).matches()
                    && (prefix + queue).length() <= MAX_TOPIC_LENGTH
                    && !(prefix + queue).equals(".")
                    && !(prefix + queue).equals("..");
            if (!valid) {
                problems.add(QUEUES.name() + ": queue '" + queue + "' must be non-empty letters, digits, '.', '_'"
                        + " and '-', and " + TOPIC_PREFIX.name() + " + queue at most " + MAX_TOPIC_LENGTH
                        + " characters");
            }
        }
        if (queues.stream().distinct().count() != queues.size()) {
            problems.add(QUEUES.name() + " must not name a queue twice, but was " + queues);
        }
        return problems;
    }
}
