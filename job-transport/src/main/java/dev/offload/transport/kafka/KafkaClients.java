package dev.offload.transport.kafka;

import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.KafkaTransportConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka client settings derived from {@link KafkaTransportConfig}; one place, so the trade-offs are visible. */
final class KafkaClients {
    /** Long enough for concurrent submits to share a batch, short enough not to show in a submit's latency. */
    static final int LINGER_MS = 2;

    private static final AtomicInteger CONSUMER_COUNT = new AtomicInteger();

    private KafkaClients() {}

    /**
     * An idempotent acks=all producer whose every wait is bounded so that a publish fails within the publish timeout:
     * half of it for metadata (which is all a send waits for when no broker answers), half for the delivery itself.
     */
    static Map<String, Object> producer(KafkaTransportConfig config) {
        long half = Math.max(250, config.publishTimeout().toMillis() / 2);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "offload-publisher");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, half);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) half);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) half - LINGER_MS);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /**
     * A consumer of the new group protocol (KIP-848: the broker assigns partitions incrementally, no stop-the-world
     * rebalances) that never commits by itself: the transport commits contiguous completed offsets. A new group starts
     * at the earliest offset, so jobs published before the first worker joined are not skipped.
     */
    static Map<String, Object> consumer(KafkaTransportConfig config, ConsumerOptions options) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        // The range assignor spreads the partitions of every topic over the members, where the default (uniform)
        // balances only the members' totals and may give one worker all partitions of a priority level's topic: each
        // worker then weighs its own levels, but the deployment as a whole would not.
        props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "offload-consumer-" + CONSUMER_COUNT.incrementAndGet());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll returns at most what the handler may take at once, so the local buffer stays small.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, options.maxInFlight()));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** The administrative client: topic creation and health checks, bounded by the publish timeout. */
    static Map<String, String> admin(KafkaTransportConfig config) {
        String timeout = Long.toString(config.publishTimeout().toMillis());
        Map<String, String> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        return props;
    }

    /** How long a health check may take: short, because readiness probes call it often. */
    static Duration healthTimeout(KafkaTransportConfig config) {
        Duration cap = Duration.ofSeconds(3);
        return config.publishTimeout().compareTo(cap) < 0 ? config.publishTimeout() : cap;
    }
}
