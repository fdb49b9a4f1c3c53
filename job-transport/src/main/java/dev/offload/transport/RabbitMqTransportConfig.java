package dev.offload.transport;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the RabbitMQ transport. Immutable; every instance is valid (the constructor rejects bad values with
 * a message naming the configuration key).
 *
 * <p>The consumer prefetch is not configured here: it is the worker's {@code maxInFlight} ({@link ConsumerOptions}), so
 * the broker never hands a worker more messages than it may run at once.
 *
 * @param uri the broker, {@code amqp://user:password@host:port/vhost} (or {@code amqps://})
 * @param exchange the durable direct exchange jobs are published to; the routing key is the logical queue. Its
 *     dead-letter exchange is this name followed by {@code .dlx}
 * @param queuePrefix the RabbitMQ queue of a logical queue is this prefix followed by the queue name; its dead-letter
 *     queue adds {@code .dlq}
 * @param publishTimeout the longest a publish may take (channel, write and publisher confirm) before it fails with
 *     {@link TransportUnavailableException}
 * @param channelPoolSize the most channels the publisher writes on at once
 * @param deliveryLimit how often a quorum queue delivers a message that was returned (failed handler, lost consumer)
 *     before it dead-letters it
 * @param priorityQueues the logical queues declared as classic queues with {@code x-max-priority} 9, so that job
 *     priorities are honoured; every other queue is a quorum queue
 * @param queues the logical queues that run on RabbitMQ; publishing elsewhere is an {@link UnknownQueueException}
 */
public record RabbitMqTransportConfig(
        String uri,
        String exchange,
        String queuePrefix,
        Duration publishTimeout,
        int channelPoolSize,
        int deliveryLimit,
        List<String> priorityQueues,
        List<String> queues) {
    private static final String GROUP = "RabbitMQ transport";
    /** AMQP 0-9-1 names: at most 255 bytes; we keep to characters that need no quoting anywhere. */
    private static final Pattern NAME_CHARS = Pattern.compile("[A-Za-z0-9._-]*");

    private static final int MAX_NAME_LENGTH = 255 - ".dlq".length();
    /** Job priorities are 0 to 9 (the API's bound); a priority queue declares exactly that many levels. */
    public static final int MAX_PRIORITY = 9;

    public static final ConfigKey<String> URI = ConfigKey.in(GROUP, "transport.rabbitmq.uri")
            .essential()
            .doc("The RabbitMQ broker, amqp://user:password@host:port/vhost (amqps:// for TLS). Used only when"
                    + " transport.rabbitmq.queues names a queue.")
            .string("amqp://guest:guest@127.0.0.1:5672");
    public static final ConfigKey<List<String>> QUEUES = ConfigKey.in(GROUP, "transport.rabbitmq.queues")
            .essential()
            .doc("The logical queues (from transport.queues) that run on RabbitMQ instead of Kafka. Empty: RabbitMQ"
                    + " is not used at all.")
            .list(List.of());
    public static final ConfigKey<String> EXCHANGE = ConfigKey.in(GROUP, "transport.rabbitmq.exchange")
            .doc("The durable direct exchange that jobs are published to, with the logical queue as routing key;"
                    + " dead letters go to the exchange of this name followed by '.dlx'.")
            .string("offload.jobs");
    public static final ConfigKey<String> QUEUE_PREFIX = ConfigKey.in(GROUP, "transport.rabbitmq.queuePrefix")
            .doc("The RabbitMQ queue of a logical queue is this prefix followed by the queue name; its dead-letter"
                    + " queue adds '.dlq'.")
            .string("offload.jobs.");
    public static final ConfigKey<Duration> PUBLISH_TIMEOUT = ConfigKey.in(GROUP, "transport.rabbitmq.publishTimeout")
            .doc("The longest a publish waits for a channel and the broker's publisher confirm (and the first"
                    + " connection attempt); past it the submit fails with 503 instead of hanging.")
            .duration(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMinutes(5));
    public static final ConfigKey<Integer> CHANNEL_POOL_SIZE = ConfigKey.in(GROUP, "transport.rabbitmq.channelPoolSize")
            .rare()
            .doc("Channels the publisher writes on in parallel. Confirms are asynchronous, so a channel carries many"
                    + " unconfirmed publishes; more channels help only when writes themselves queue up.")
            .integer(4, 1, 256);
    public static final ConfigKey<Integer> DELIVERY_LIMIT = ConfigKey.in(GROUP, "transport.rabbitmq.deliveryLimit")
            .doc("x-delivery-limit of the quorum queues: a message returned this many times (handler failures,"
                    + " workers lost mid-job) is dead-lettered to the queue's '.dlq' instead of looping. Must match"
                    + " existing queues.")
            .integer(20, 1, 1_000_000);
    public static final ConfigKey<List<String>> PRIORITY_QUEUES = ConfigKey.in(
                    GROUP, "transport.rabbitmq.priorityQueues")
            .doc("Logical queues on RabbitMQ declared as classic queues with x-max-priority 9, so that higher job"
                    + " priorities are delivered first. Classic queues are not replicated and have no delivery"
                    + " limit; every other queue is a quorum queue.")
            .list(List.of());

    public RabbitMqTransportConfig {
        Objects.requireNonNull(uri, URI.name());
        Objects.requireNonNull(exchange, EXCHANGE.name());
        Objects.requireNonNull(queuePrefix, QUEUE_PREFIX.name());
        Objects.requireNonNull(publishTimeout, PUBLISH_TIMEOUT.name());
        Objects.requireNonNull(priorityQueues, PRIORITY_QUEUES.name());
        Objects.requireNonNull(queues, QUEUES.name());
        priorityQueues = List.copyOf(priorityQueues);
        queues = List.copyOf(queues);
        List<String> problems = problems(
                uri, exchange, queuePrefix, publishTimeout, channelPoolSize, deliveryLimit, priorityQueues, queues);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults: a broker on 127.0.0.1:5672 (guest/guest) serving no queue. */
    public static RabbitMqTransportConfig defaults() {
        return new RabbitMqTransportConfig(
                URI.defaultValue(),
                EXCHANGE.defaultValue(),
                QUEUE_PREFIX.defaultValue(),
                PUBLISH_TIMEOUT.defaultValue(),
                CHANNEL_POOL_SIZE.defaultValue(),
                DELIVERY_LIMIT.defaultValue(),
                PRIORITY_QUEUES.defaultValue(),
                QUEUES.defaultValue());
    }

    /**
     * Reads the keys; invalid values are recorded in {@code settings} (reported by {@link Settings#validate}) and the
     * defaults returned instead, so that reading can go on.
     */
    public static RabbitMqTransportConfig from(Settings settings) {
        String uri = settings.get(URI);
        String exchange = settings.get(EXCHANGE);
        String prefix = settings.get(QUEUE_PREFIX);
        Duration timeout = settings.get(PUBLISH_TIMEOUT);
        int channels = settings.get(CHANNEL_POOL_SIZE);
        int limit = settings.get(DELIVERY_LIMIT);
        List<String> priority = settings.get(PRIORITY_QUEUES);
        List<String> queues = settings.get(QUEUES);
        List<String> problems = problems(uri, exchange, prefix, timeout, channels, limit, priority, queues);
        if (!problems.isEmpty()) {
            problems.forEach(settings::reject);
            return defaults();
        }
        return new RabbitMqTransportConfig(uri, exchange, prefix, timeout, channels, limit, priority, queues);
    }

    /** Every key this record reads, for validation and the reference page. */
    public static List<ConfigKey<?>> keys() {
        return List.of(
                URI,
                QUEUES,
                EXCHANGE,
                QUEUE_PREFIX,
                PUBLISH_TIMEOUT,
                CHANNEL_POOL_SIZE,
                DELIVERY_LIMIT,
                PRIORITY_QUEUES);
    }

    /** The RabbitMQ queue of a logical queue. */
    public String queueName(String queue) {
        return queuePrefix + queue;
    }

    /** The dead-letter queue of a logical queue. */
    public String deadLetterQueueName(String queue) {
        return queueName(queue) + ".dlq";
    }

    /** The exchange that the queues dead-letter to, with the logical queue as routing key. */
    public String deadLetterExchange() {
        return exchange + ".dlx";
    }

    /** Whether the logical queue is a classic queue with priorities rather than a quorum queue. */
    public boolean isPriorityQueue(String queue) {
        return priorityQueues.contains(queue);
    }

    /** A copy serving other queues. */
    public RabbitMqTransportConfig withQueues(List<String> queues) {
        return new RabbitMqTransportConfig(
                uri, exchange, queuePrefix, publishTimeout, channelPoolSize, deliveryLimit, priorityQueues, queues);
    }

    /** The URI with the password masked, for messages and logs. */
    public String displayUri() {
        return uri.replaceFirst("://([^:@/]*):[^@/]*@", "://$1:***@");
    }

    private static List<String> problems(
            String uri,
            String exchange,
            String prefix,
            Duration timeout,
            int channels,
            int limit,
            List<String> priority,
            List<String> queues) {
        List<String> problems = new ArrayList<>();
        if (!validUri(uri)) {
            problems.add(URI.name() + " must be amqp://[user:password@]host[:port][/vhost] or amqps://..., but was '"
                    + uri.replaceFirst("://([^:@/]*):[^@/]*@", "://$1:***@") + "'");
        }
        if (exchange.isEmpty() || !NAME_CHARS.matcher(exchange).matches() || exchange.startsWith("amq.")) {
            problems.add(EXCHANGE.name() + " must be non-empty letters, digits, '.', '_' and '-' and not start with"
                    + " 'amq.', but was '" + exchange + "'");
        }
        if (!NAME_CHARS.matcher(prefix).matches() || prefix.startsWith("amq.")) {
            problems.add(QUEUE_PREFIX.name() + " may use only letters, digits, '.', '_' and '-' and must not start"
                    + " with 'amq.', but was '" + prefix + "'");
        }
        if (timeout.toMillis() < 500) {
            problems.add(PUBLISH_TIMEOUT.name() + " must be at least 500ms, but was " + timeout);
        }
        if (channels < 1) {
            problems.add(CHANNEL_POOL_SIZE.name() + " must be at least 1, but was " + channels);
        }
        if (limit < 1) {
            problems.add(DELIVERY_LIMIT.name() + " must be at least 1, but was " + limit);
        }
        for (String queue : queues) {
            if (queue.isEmpty()
                    || !NAME_CHARS.matcher(queue).matches()
                    || (prefix + queue).length() > MAX_NAME_LENGTH) {
                problems.add(QUEUES.name() + ": queue '" + queue + "' must be non-empty letters, digits, '.', '_'"
                        + " and '-', and " + QUEUE_PREFIX.name() + " + queue at most " + MAX_NAME_LENGTH
                        + " characters");
            }
        }
        if (queues.stream().distinct().count() != queues.size()) {
            problems.add(QUEUES.name() + " must not name a queue twice, but was " + queues);
        }
        for (String queue : priority) {
            if (!queues.contains(queue)) {
                problems.add(PRIORITY_QUEUES.name() + " names '" + queue + "', which is not in " + QUEUES.name() + " "
                        + queues);
            }
        }
        return problems;
    }

    private static boolean validUri(String uri) {
        try {
            java.net.URI parsed = new java.net.URI(uri);
            return ("amqp".equals(parsed.getScheme()) || "amqps".equals(parsed.getScheme()))
                    && parsed.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
