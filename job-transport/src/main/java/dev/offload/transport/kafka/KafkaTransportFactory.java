package dev.offload.transport.kafka;

import dev.offload.transport.JobTransport;
import dev.offload.transport.KafkaTransportConfig;
import io.vertx.core.Vertx;

/** Creates the Kafka transport; use {@link dev.offload.transport.Transports#kafka} instead. Thread-safe. */
public final class KafkaTransportFactory {
    private KafkaTransportFactory() {}

    /** See {@link dev.offload.transport.Transports#kafka}. */
    public static JobTransport open(Vertx vertx, KafkaTransportConfig config) {
        return new KafkaJobTransport(vertx, config);
    }
}
