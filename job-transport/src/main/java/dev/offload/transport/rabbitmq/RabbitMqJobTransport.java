package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.JobTransport;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.UnknownQueueException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ {@link JobTransport}: one connection for publishing and declaring (its client records the topology and
 * re-declares it after a reconnect), one connection per consumer, so that a publisher blocked by the broker's flow
 * control never holds up a worker's acks. Blocking client calls run on virtual threads ({@link
 * RabbitMqClients#blockingCalls}), never on an event loop.
 */
final class RabbitMqJobTransport implements JobTransport {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqJobTransport.class);

    private final Vertx vertx;
    private final RabbitMqTransportConfig config;
    private final ConnectionFactory factory;
    private final ExecutorService blocking = RabbitMqClients.blockingCalls("offload-rabbitmq-");
    private final RabbitMqJobPublisher publisher;
    /** Kept open: the client's topology recovery re-declares the topology on it after a reconnect. */
    private volatile Channel topology;

    RabbitMqJobTransport(Vertx vertx, RabbitMqTransportConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.factory = RabbitMqClients.factory(config);
        this.publisher = new RabbitMqJobPublisher(config, factory, blocking);
    }

    @Override
    public Future<Void> start() {
        CompletableFuture<Void> declared = CompletableFuture.runAsync(
                        () -> {
                            Channel opened = Topology.declare(publisher.connection(), config);
                            Channel before = topology;
                            topology = opened;
                            if (before != null) {
                                closeQuietly(before);
                            }
                            LOG.info(
                                    "RabbitMQ topology declared on {}: exchange '{}', queues {}",
                                    config.displayUri(),
                                    config.exchange(),
                                    config.queues().stream()
                                            .map(config::queueName)
                                            .toList());
                        },
                        blocking)
                .orTimeout(2 * config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return onCallerContext(declared.handle((ok, e) -> {
            if (e == null) {
                return null;
            }
            Throwable cause =
                    e.getCause() != null && e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            throw cause instanceof RuntimeException runtime
                    ? runtime
                    : new dev.offload.transport.TransportUnavailableException(
                            "RabbitMQ at " + config.displayUri() + " did not answer: "
                                    + RabbitMqClients.describe(cause),
                            cause);
        }));
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
        return new RabbitMqJobConsumer(vertx, config, factory, options);
    }

    /** The ready messages of the configured queues, by passive declarations on a short-lived channel. */
    @Override
    public Future<Long> backlog() {
        CompletableFuture<Long> counted = CompletableFuture.supplyAsync(
                        () -> {
                            try (Channel channel = publisher.connection().createChannel()) {
                                long total = 0;
                                for (String queue : config.queues()) {
                                    total += channel.messageCount(config.queueName(queue));
                                }
                                return total;
                            } catch (Exception e) {
                                throw new dev.offload.transport.TransportUnavailableException(
                                        "RabbitMQ at " + config.displayUri() + " did not report its queue depth: "
                                                + RabbitMqClients.describe(e),
                                        e);
                            }
                        },
                        blocking)
                .orTimeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return onCallerContext(counted);
    }

    @Override
    public Future<Void> close() {
        // Closing the publisher's connection closes the topology channel too.
        return publisher.close().eventually(() -> {
            blocking.shutdown();
            return Future.succeededFuture();
        });
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (java.io.IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.debug("closing the topology channel failed", e);
        }
    }

    /** Completes on the caller's Vert.x context if there is one (see {@link JobTransport}). */
    static <T> Future<T> onCallerContext(CompletionStage<T> stage) {
        Context caller = Vertx.currentContext();
        return caller == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, caller);
    }
}
