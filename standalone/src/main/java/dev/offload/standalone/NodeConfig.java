package dev.offload.standalone;

import dev.offload.config.Settings;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.JobDefaults;
import dev.offload.store.RedisStoreConfig;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.worker.WorkerConfig;
import java.util.HashSet;

/** The whole configuration of one process, read and validated together so that every problem is reported at once. */
record NodeConfig(
        ProcessConfig process,
        KafkaTransportConfig kafka,
        GatewayConfig gateway,
        WorkerConfig worker,
        RedisStoreConfig redis) {

    /**
     * Reads every module's keys, then validates the lot.
     *
     * @throws dev.offload.config.ConfigException naming every invalid, missing or unknown key
     */
    static NodeConfig read(Settings settings, OffloadNode.Roles roles) {
        ProcessConfig process = ProcessConfig.from(settings);
        KafkaTransportConfig kafka = KafkaTransportConfig.from(settings);
        JobDefaults jobs = JobDefaults.from(settings, new HashSet<>(kafka.queues()));
        GatewayConfig gateway = GatewayConfig.from(settings, jobs);
        WorkerConfig worker = WorkerConfig.from(settings);
        RedisStoreConfig redis = RedisStoreConfig.from(settings);
        if (roles.gateway() && gateway.apiKeys().isEmpty()) {
            settings.reject(GatewayConfig.API_KEYS.name() + " is empty: configure at least one API key (`"
                    + GatewayConfig.API_KEYS.environmentVariable() + "=<key>=<tenant>`), or nobody can submit jobs");
        }
        settings.validate(ConfigCatalog.all());
        return new NodeConfig(process, kafka, gateway, worker, redis);
    }
}
