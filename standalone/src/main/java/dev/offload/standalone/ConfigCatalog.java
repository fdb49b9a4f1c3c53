package dev.offload.standalone;

import dev.offload.config.ConfigKey;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.JobDefaults;
import dev.offload.gateway.cache.CacheConfig;
import dev.offload.gateway.jobs.BrokerBreakerConfig;
import dev.offload.gateway.limits.LimitsConfig;
import dev.offload.gateway.routes.Routes;
import dev.offload.store.JobTimings;
import dev.offload.store.RedisStoreConfig;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every configuration key of every module, in reference-page order; the source of {@code docs/configuration.md}. */
final class ConfigCatalog {
    private ConfigCatalog() {}

    static List<ConfigKey<?>> all() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        keys.addAll(ProcessConfig.keys());
        keys.addAll(GatewayConfig.keys());
        keys.addAll(BrokerBreakerConfig.keys());
        keys.addAll(CacheConfig.keys());
        keys.addAll(LimitsConfig.keys());
        keys.addAll(Routes.keys());
        keys.addAll(JobDefaults.keys());
        keys.addAll(WorkerConfig.keys());
        keys.addAll(JobTimings.keys());
        keys.addAll(RedisStoreConfig.keys());
        keys.addAll(KafkaTransportConfig.keys());
        keys.addAll(RabbitMqTransportConfig.keys());
        keys.addAll(WebhookConfig.keys());
        Set<String> names = new HashSet<>();
        for (ConfigKey<?> key : keys) {
            if (!names.add(key.name())) {
                throw new IllegalStateException("configuration key " + key.name() + " is declared twice");
            }
        }
        return List.copyOf(keys);
    }
}
