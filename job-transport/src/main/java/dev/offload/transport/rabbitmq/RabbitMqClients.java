package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * The RabbitMQ client settings derived from {@link RabbitMqTransportConfig}; one place, so the trade-offs are visible.
 *
 * <p>Every connection uses the client's automatic recovery: after a lost connection it reconnects every
 * {@value #RECOVERY_INTERVAL_MS} ms, then re-opens the channels (with publisher confirms re-enabled), re-declares the
 * topology the connection declared and re-registers the consumers. Recovery starts only after a first successful
 * connection: the first connect is the caller's to retry.
 */
final class RabbitMqClients {
    static final long RECOVERY_INTERVAL_MS = 1_000;
    /** Short enough that a dead broker is noticed within a minute, long enough not to trip on a busy broker. */
    private static final int HEARTBEAT_SECONDS = 15;

    private RabbitMqClients() {}

    static ConnectionFactory factory(RabbitMqTransportConfig config) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(config.uri());
        } catch (Exception e) {
            // The config record validated the URI's shape; the client may still refuse details of it.
            throw new IllegalArgumentException(
                    RabbitMqTransportConfig.URI.name() + " is not usable: " + e.getMessage(), e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.publishTimeout().toMillis());
        factory.setConnectionTimeout(timeout);
        factory.setHandshakeTimeout(timeout);
        factory.setShutdownTimeout(timeout);
        factory.setChannelRpcTimeout(timeout);
        return factory;
    }

    /**
     * Opens a connection; blocks (call it on a virtual thread). Consumer callbacks of the connection run on
     * {@code consumerThreads} if given, else on the client's own pool.
     *
     * @throws TransportUnavailableException if the broker cannot be reached or refuses the connection
     */
    static Connection connect(
            ConnectionFactory factory, RabbitMqTransportConfig config, String name, ExecutorService consumerThreads) {
        try {
            return consumerThreads == null ? factory.newConnection(name) : factory.newConnection(consumerThreads, name);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new TransportUnavailableException(
                    "RabbitMQ at " + config.displayUri() + " did not accept a connection: " + describe(e), e);
        }
    }

    /** The executor for blocking client calls: one virtual thread per call, never an event loop. */
    static ExecutorService blockingCalls(String name) {
        return Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(name, 0).factory());
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }
}
