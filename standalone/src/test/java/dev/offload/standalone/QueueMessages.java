package dev.offload.standalone;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.offload.transport.RabbitMqTransportConfig;

/**
 * Counts the messages of one job waiting in a RabbitMQ queue, to check what was really published. It browses: every
 * message is fetched unacknowledged and goes back to the queue when the channel closes. Only for queues nobody
 * consumes (the tests' {@code parked}).
 */
final class QueueMessages {
    private QueueMessages() {}

    static long count(RabbitMqTransportConfig config, String queue, String jobId) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(config.uri());
            try (var connection = factory.newConnection("offload-test-browse");
                    var channel = connection.createChannel()) {
                long matching = 0;
                GetResponse message;
                while ((message = channel.basicGet(config.queueName(queue), false)) != null) {
                    if (jobId.equals(message.getProps().getMessageId())) {
                        matching++;
                    }
                }
                return matching;
            }
        } catch (Exception e) {
            throw new AssertionError("cannot browse RabbitMQ queue " + config.queueName(queue) + ": " + e, e);
        }
    }
}
