package dev.offload.standalone;

import dev.offload.transport.RabbitMqTransportConfig;

/** Every test of {@link JobApiIT}, with both queues on RabbitMQ instead of Kafka: the same API, the same guarantees. */
class RabbitMqJobApiIT extends JobApiIT {

    @Override
    TestCluster createCluster() {
        return new TestCluster(values -> {
            values.put("transport.rabbitmq.queues", "default,parked");
            return values;
        });
    }

    @Override
    long messagesOf(TestCluster deployment, String queue, String id) {
        return QueueMessages.count(RabbitMqTransportConfig.from(deployment.settings()), queue, id);
    }
}
