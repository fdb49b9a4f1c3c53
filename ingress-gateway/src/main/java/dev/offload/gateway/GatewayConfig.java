package dev.offload.gateway;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.gateway.cache.CacheConfig;
import dev.offload.gateway.jobs.BrokerBreakerConfig;
import dev.offload.gateway.limits.LimitsConfig;
import dev.offload.gateway.routes.Routes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's configuration. Immutable; build it with {@link #from(Settings, JobDefaults)} at start-up.
 *
 * @param host the address the API binds to
 * @param port the API port
 * @param instances HTTP verticle instances (event loops serving the API)
 * @param maxBodySize the largest request body accepted, in bytes
 * @param apiKeys API key to tenant
 * @param maxWait the cap on {@code Prefer: wait} and {@code ?wait}
 * @param maxStoreCalls the store calls kept in flight before requests are refused with 503
 * @param maxWaitingRequests the long-polls held before further ones are answered at once
 * @param jobs the defaults and limits for submitted jobs
 * @param cache the response cache's bounds
 * @param limits rate limits, the per-tenant cap on unfinished jobs, load shedding
 * @param brokerBreaker the circuit breakers around publishing to the broker
 * @param routes the configured offload and proxy routes
 */
public record GatewayConfig(
        String host,
        int port,
        int instances,
        long maxBodySize,
        Map<String, String> apiKeys,
        Duration maxWait,
        int maxStoreCalls,
        int maxWaitingRequests,
        JobDefaults jobs,
        CacheConfig cache,
        LimitsConfig limits,
        BrokerBreakerConfig brokerBreaker,
        Routes routes) {

    private static final String GROUP = "Gateway";

    public static final ConfigKey<String> HOST = ConfigKey.in(GROUP, "gateway.host")
            .essential()
            .doc("Address the API binds to. Standalone mode binds 127.0.0.1 unless --bind says otherwise.")
            .string("0.0.0.0");
    public static final ConfigKey<Integer> PORT = ConfigKey.in(GROUP, "gateway.port")
            .essential()
            .doc("Port of the HTTP API.")
            .integer(8080, 0, 65535);
    public static final ConfigKey<Map<String, String>> API_KEYS = ConfigKey.in(GROUP, "gateway.apiKeys")
            .essential()
            .doc("API keys and the tenant each belongs to: `{<key>: <tenant>}`. A tenant sees only its own jobs.")
            .map(Map.of());
    public static final ConfigKey<Integer> INSTANCES = ConfigKey.in(GROUP, "gateway.instances")
            .doc("HTTP server verticle instances; one per core serves all event loops.")
            .integer(Runtime.getRuntime().availableProcessors(), 1, 256);
    public static final ConfigKey<Long> MAX_BODY_SIZE = ConfigKey.in(GROUP, "gateway.maxBodySize")
            .doc("Largest request body accepted; larger bodies get 413.")
            .bytes(1024L * 1024, 1024, 64L * 1024 * 1024);
    public static final ConfigKey<Duration> MAX_WAIT = ConfigKey.in(GROUP, "gateway.maxWait")
            .doc("Cap on how long `Prefer: wait=N` and `?wait=N` hold a request.")
            .duration(Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(5));

    public static final ConfigKey<Integer> MAX_STORE_CALLS = ConfigKey.in(GROUP, "gateway.maxStoreCalls")
            .rare()
            .doc("Store calls one gateway process keeps in flight (a platform thread for each busy one of"
                    + " store.redis.poolSize connections; calls beyond them wait for one on virtual threads)."
                    + " Beyond it, requests get 503 with Retry-After at once instead of queueing without bound.")
            .integer(4096, 1, 1_000_000);
    public static final ConfigKey<Integer> MAX_WAITING_REQUESTS = ConfigKey.in(GROUP, "gateway.maxWaitingRequests")
            .rare()
            .doc("Long-polls (`?wait=N`, `Prefer: wait=N`) one gateway process holds at once. Beyond it, a request"
                    + " that asks to wait is answered at once with the current document, as if the wait had ended.")
            .integer(50_000, 0, 10_000_000);

    public GatewayConfig {
        Objects.requireNonNull(host, "gateway.host");
        apiKeys = Map.copyOf(apiKeys);
        Objects.requireNonNull(maxWait, "gateway.maxWait");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(brokerBreaker, "brokerBreaker");
        Objects.requireNonNull(routes, "routes");
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(HOST, PORT, API_KEYS, INSTANCES, MAX_BODY_SIZE, MAX_WAIT, MAX_STORE_CALLS, MAX_WAITING_REQUESTS);
    }

    /**
     * Reads the gateway keys; problems are recorded in {@code settings}.
     *
     * @param jobs the job defaults, read separately because the worker shares them
     */
    public static GatewayConfig from(Settings settings, JobDefaults jobs) {
        Map<String, String> keys = settings.get(API_KEYS);
        keys.forEach((key, tenant) -> {
            if (key.length() < 16) {
                settings.reject(API_KEYS.name() + ": an API key must be at least 16 characters (key for tenant '"
                        + tenant + "' is " + key.length() + ")");
            }
        });
        LimitsConfig limits = LimitsConfig.from(settings);
        return new GatewayConfig(
                settings.get(HOST),
                settings.get(PORT),
                settings.get(INSTANCES),
                settings.get(MAX_BODY_SIZE),
                keys,
                settings.get(MAX_WAIT),
                settings.get(MAX_STORE_CALLS),
                settings.get(MAX_WAITING_REQUESTS),
                jobs,
                CacheConfig.from(settings),
                limits,
                BrokerBreakerConfig.from(settings),
                Routes.from(settings, jobs.queues(), limits.policies().keySet()));
    }

    /** Queues that exist, for validating submissions; the transport configuration declares them. */
    public Set<String> queues() {
        return jobs.queues();
    }
}
