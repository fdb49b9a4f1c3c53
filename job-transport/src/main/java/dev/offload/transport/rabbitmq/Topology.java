package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Declares the RabbitMQ topology of the configured queues, idempotently: declaring what exists with the same
 * arguments is a no-op, so every process declares at start-up and the first one creates.
 *
 * <pre>
 * exchange &lt;exchange&gt; (direct, durable) --routing key = logical queue--&gt; queue &lt;prefix&gt;&lt;queue&gt;
 *     quorum: x-delivery-limit, x-dead-letter-strategy at-least-once (needs x-overflow reject-publish)
 *     or classic with x-max-priority 9 for the priority queues
 *   --dead letters--&gt; exchange &lt;exchange&gt;.dlx (direct, durable) --logical queue--&gt; queue &lt;prefix&gt;&lt;queue&gt;.dlq
 * </pre>
 *
 * <p>An existing queue or exchange declared with other arguments makes the broker close the channel with
 * PRECONDITION_FAILED; that fails start-up with a {@link MisdeclaredTopologyException} naming the queue and what to
 * do. Blocking: call it on a virtual thread.
 */
final class Topology {
    private static final int PRECONDITION_FAILED = AMQP.PRECONDITION_FAILED;

    private Topology() {}

    /**
     * Declares everything on one channel, which the caller keeps open: the client's topology recovery re-declares
     * recorded entities on the channel that declared them, so a closed channel would make recovery fail.
     *
     * @return the open channel
     */
    static Channel declare(Connection connection, RabbitMqTransportConfig config) {
        Channel channel;
        try {
            channel = connection.createChannel();
        } catch (IOException e) {
            throw new TransportUnavailableException(
                    "RabbitMQ at " + config.displayUri() + " did not open a channel: " + RabbitMqClients.describe(e),
                    e);
        }
        try {
            declareAll(channel, config);
            return channel;
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException ignored) {
            // failing anyway
        }
    }

    private static void declareAll(Channel channel, RabbitMqTransportConfig config) {
        declare(
                channel,
                config,
                "exchange '" + config.exchange() + "'",
                "a durable direct exchange",
                ch -> ch.exchangeDeclare(config.exchange(), BuiltinExchangeType.DIRECT, true));
        declare(
                channel,
                config,
                "exchange '" + config.deadLetterExchange() + "'",
                "a durable direct exchange",
                ch -> ch.exchangeDeclare(config.deadLetterExchange(), BuiltinExchangeType.DIRECT, true));
        for (String queue : config.queues()) {
            String dlq = config.deadLetterQueueName(queue);
            declare(channel, config, "queue '" + dlq + "'", "a durable quorum queue", ch -> {
                ch.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", "quorum"));
                ch.queueBind(dlq, config.deadLetterExchange(), queue);
            });
            String name = config.queueName(queue);
            Map<String, Object> arguments = arguments(config, queue);
            declare(channel, config, "queue '" + name + "'", "a durable queue with " + arguments, ch -> {
                ch.queueDeclare(name, true, false, false, arguments);
                ch.queueBind(name, config.exchange(), queue);
            });
        }
    }

    /** The arguments of a logical queue's RabbitMQ queue. */
    static Map<String, Object> arguments(RabbitMqTransportConfig config, String queue) {
        if (config.isPriorityQueue(queue)) {
            return Map.of(
                    "x-queue-type",
                    "classic",
                    "x-max-priority",
                    RabbitMqTransportConfig.MAX_PRIORITY,
                    "x-dead-letter-exchange",
                    config.deadLetterExchange(),
                    "x-dead-letter-routing-key",
                    queue);
        }
        return Map.of(
                "x-queue-type",
                "quorum",
                "x-delivery-limit",
                config.deliveryLimit(),
                "x-dead-letter-exchange",
                config.deadLetterExchange(),
                "x-dead-letter-routing-key",
                queue,
                "x-dead-letter-strategy",
                "at-least-once",
                "x-overflow",
                "reject-publish");
    }

    @FunctionalInterface
    private interface Declaration {
        void run(Channel channel) throws IOException;
    }

    /** One declaration; a refused declaration closes the channel, and start-up fails. */
    private static void declare(
            Channel channel, RabbitMqTransportConfig config, String what, String wanted, Declaration declaration) {
        try {
            declaration.run(channel);
        } catch (IOException | ShutdownSignalException e) {
            ShutdownSignalException signal = signal(e);
            if (signal != null && !signal.isHardError() && signal.getReason() instanceof AMQP.Channel.Close close) {
                if (close.getReplyCode() == PRECONDITION_FAILED) {
                    throw new MisdeclaredTopologyException("RabbitMQ " + what + " already exists with other"
                            + " properties than Offload declares (" + wanted + "); the broker said: "
                            + close.getReplyText() + ". Make the configuration match it ("
                            + RabbitMqTransportConfig.PRIORITY_QUEUES.name() + ", "
                            + RabbitMqTransportConfig.DELIVERY_LIMIT.name() + "), or drain and delete it (e.g."
                            + " `rabbitmqctl delete_queue <name>`) so that Offload declares it anew at start-up.");
                }
                throw new IllegalStateException("RabbitMQ refused to declare " + what + ": " + close.getReplyText(), e);
            }
            throw new TransportUnavailableException(
                    "RabbitMQ at " + config.displayUri() + " did not declare " + what + ": "
                            + RabbitMqClients.describe(e),
                    e);
        }
    }

    private static ShutdownSignalException signal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException signal) {
                return signal;
            }
        }
        return null;
    }

    /** A queue or exchange exists on the broker with other properties than the configuration asks for. */
    static final class MisdeclaredTopologyException extends IllegalStateException {
        MisdeclaredTopologyException(String message) {
            super(message);
        }
    }
}
