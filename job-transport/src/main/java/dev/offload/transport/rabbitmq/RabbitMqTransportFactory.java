package dev.offload.transport.rabbitmq;

import dev.offload.transport.JobTransport;
import dev.offload.transport.RabbitMqTransportConfig;
import io.vertx.core.Vertx;

/** Creates the RabbitMQ transport; use {@link dev.offload.transport.Transports#rabbitMq} instead. Thread-safe. */
public final class RabbitMqTransportFactory {
    private RabbitMqTransportFactory() {}

    /** See {@link dev.offload.transport.Transports#rabbitMq}. */
    public static JobTransport open(Vertx vertx, RabbitMqTransportConfig config) {
        return new RabbitMqJobTransport(vertx, config);
    }
}
