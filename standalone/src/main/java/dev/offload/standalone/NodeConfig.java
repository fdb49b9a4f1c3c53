package dev.offload.standalone;

import dev.offload.config.Settings;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.JobDefaults;
import dev.offload.store.RedisStoreConfig;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.worker.WorkerConfig;
import java.util.HashSet;

/** The whole configuration of one process, read and validated together so that every problem is reported at once. */
record NodeConfig(
        ProcessConfig process,
        KafkaTransportConfig kafka,
        RabbitMqTransportConfig rabbitMq,
        GatewayConfig gateway,
        WorkerConfig worker,
        RedisStoreConfig redis,
        WebhookConfig webhooks) {

    /** Where the queues run, for messages: {@code Kafka at host:port, RabbitMQ at amqp://…}. */
    String brokers() {
        boolean onKafka = !rabbitMq.queues().containsAll(kafka.queues());
        boolean onRabbitMq = !rabbitMq.queues().isEmpty();
        String kafkaText = "Kafka at " + kafka.bootstrapServers();
        String rabbitText = "RabbitMQ at " + rabbitMq.displayUri();
        return onKafka && onRabbitMq ? kafkaText + " and " + rabbitText : onRabbitMq ? rabbitText : kafkaText;
    }

    /**
     * Reads every module's keys, then validates the lot.
     *
     * @throws dev.offload.config.ConfigException naming every invalid, missing or unknown key
     */
    static NodeConfig read(Settings settings, OffloadNode.Roles roles) {
        ProcessConfig process = ProcessConfig.from(settings);
        KafkaTransportConfig kafka = KafkaTransportConfig.from(settings);
        RabbitMqTransportConfig rabbitMq = RabbitMqTransportConfig.from(settings);
        for (String queue : rabbitMq.queues()) {
            if (!kafka.queues().contains(queue)) {
                settings.reject(RabbitMqTransportConfig.QUEUES.name() + " names '" + queue + "', which is not one of "
                        + KafkaTransportConfig.QUEUES.name() + " " + kafka.queues()
                        + ": add it there, or remove it here");
            }
        }
        for (String queue : kafka.priorityQueues()) {
            if (rabbitMq.queues().contains(queue)) {
                settings.reject(KafkaTransportConfig.PRIORITY_QUEUES.name() + " names '" + queue + "', which runs on"
                        + " RabbitMQ (" + RabbitMqTransportConfig.QUEUES.name() + "): list it in "
                        + RabbitMqTransportConfig.PRIORITY_QUEUES.name() + " instead");
            }
        }
        JobDefaults jobs = JobDefaults.from(settings, new HashSet<>(kafka.queues()));
        GatewayConfig gateway = GatewayConfig.from(settings, jobs);
        WorkerConfig worker = WorkerConfig.from(settings);
        RedisStoreConfig redis = RedisStoreConfig.from(settings);
        WebhookConfig webhooks = WebhookConfig.from(settings);
        if (roles.gateway() && gateway.apiKeys().isEmpty()) {
            settings.reject(GatewayConfig.API_KEYS.name() + " is empty: configure at least one API key (`"
                    + GatewayConfig.API_KEYS.environmentVariable() + "=<key>=<tenant>`), or nobody can submit jobs");
        }
        settings.validate(ConfigCatalog.all());
        return new NodeConfig(process, kafka, rabbitMq, gateway, worker, redis, webhooks);
    }
}
