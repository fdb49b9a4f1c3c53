package dev.offload.gateway.limits;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.gateway.limits.RateLimitPolicy.Partition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rate limits, the per-tenant cap on unfinished jobs and load shedding. Immutable; read with {@link #from(Settings)}.
 *
 * @param policies the named rate-limit policies ({@code rateLimits.<name>.*})
 * @param jobApi the policies applied to {@code /v1/jobs}, in the order they are checked
 * @param trustedProxies address ranges whose {@code X-Forwarded-For} is believed
 * @param failOpen whether requests pass (true) or get 503 (false) when the rate-limit store cannot be reached
 * @param maxUnfinishedJobs the most unfinished jobs one tenant may have; 0 for no cap
 * @param maxBrokerBacklog the broker backlog (messages waiting) beyond which submissions are shed; 0 to never shed
 * @param maxStoreLatency the store round trip beyond which submissions are shed; zero to never shed
 * @param probeInterval how often the backlog and the store latency are measured
 * @param shedRetryAfter the {@code Retry-After} of a shed submission
 */
public record LimitsConfig(
        Map<String, RateLimitPolicy> policies,
        List<String> jobApi,
        List<String> trustedProxies,
        boolean failOpen,
        int maxUnfinishedJobs,
        long maxBrokerBacklog,
        Duration maxStoreLatency,
        Duration probeInterval,
        Duration shedRetryAfter) {

    private static final String GROUP = "Rate limits and load shedding";

    public static final ConfigKey<Map<String, String>> RATE_LIMITS = ConfigKey.in(GROUP, "rateLimits")
            .doc("Named rate-limit policies: `rateLimits.<name>.limit` (requests per window), `.window` (whole seconds,"
                    + " e.g. 60s) and `.by` (`apiKey` or `ip`). Exact across all gateways sharing the store's Redis"
                    + " (one GCRA script per check). A policy does nothing until a route or `limits.jobApi` names it."
                    + " In an environment variable: `<name>.limit=100,<name>.window=60s,<name>.by=apiKey`.")
            .map(Map.of());
    public static final ConfigKey<List<String>> JOB_API = ConfigKey.in(GROUP, "limits.jobApi")
            .doc("The rateLimits policies every `/v1/jobs` request is checked against; a request refused by any of"
                    + " them gets 429 quota-exceeded with Retry-After.")
            .list(List.of());
    public static final ConfigKey<List<String>> TRUSTED_PROXIES = ConfigKey.in(GROUP, "limits.trustedProxies")
            .doc("Addresses or CIDR ranges of the proxies and load balancers in front of the gateway. Only their"
                    + " `X-Forwarded-For` is believed when telling clients apart for `by: ip` limits; any other"
                    + " peer is the client itself.")
            .list(List.of());
    public static final ConfigKey<String> ON_STORE_FAILURE = ConfigKey.in(GROUP, "limits.onStoreFailure")
            .doc("What a rate-limit check does when Redis cannot be reached in store.redis.timeout: `open` lets the"
                    + " request through (availability first), `closed` answers 503 with Retry-After (protection"
                    + " first). Either way offload_ratelimit_checks_total{outcome=\"store-failed\"} counts it.")
            .oneOf("open", "open", "closed");
    public static final ConfigKey<Integer> MAX_UNFINISHED_JOBS = ConfigKey.in(GROUP, "limits.maxUnfinishedJobs")
            .doc("Most unfinished jobs (scheduled, queued, running or retrying) one tenant may have; a submission"
                    + " beyond it gets 429 quota-exceeded. 0 means no cap. Concurrent submissions on several"
                    + " gateways may pass the cap by the number racing with the one that reaches it.")
            .integer(0, 0, 100_000_000);
    public static final ConfigKey<Integer> MAX_BROKER_BACKLOG = ConfigKey.in(GROUP, "shedding.maxBrokerBacklog")
            .doc("Messages waiting on the broker (Kafka consumer-group lag plus RabbitMQ queue depth, over all"
                    + " queues) beyond which new submissions get 503 with Retry-After; polls keep working. 0: never.")
            .integer(0, 0, Integer.MAX_VALUE);
    public static final ConfigKey<Duration> MAX_STORE_LATENCY = ConfigKey.in(GROUP, "shedding.maxStoreLatency")
            .doc("Store round trip (a PING, measured every shedding.probeInterval) beyond which new submissions get"
                    + " 503 with Retry-After; polls keep working. 0s: never.")
            .duration(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1));
    public static final ConfigKey<Duration> PROBE_INTERVAL = ConfigKey.in(GROUP, "shedding.probeInterval")
            .rare()
            .doc("How often the gateway measures the broker backlog and the store latency (the results are cached"
                    + " in between, so a submission costs no probe).")
            .duration(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(5));
    public static final ConfigKey<Duration> SHED_RETRY_AFTER = ConfigKey.in(GROUP, "shedding.retryAfter")
            .rare()
            .doc("The Retry-After of a shed submission.")
            .duration(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(10));

    public LimitsConfig {
        policies = Map.copyOf(policies);
        jobApi = List.copyOf(jobApi);
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(maxStoreLatency, MAX_STORE_LATENCY.name());
        Objects.requireNonNull(probeInterval, PROBE_INTERVAL.name());
        Objects.requireNonNull(shedRetryAfter, SHED_RETRY_AFTER.name());
        for (String name : jobApi) {
            if (!policies.containsKey(name)) {
                throw new IllegalArgumentException(
                        JOB_API.name() + " names policy '" + name + "', but rateLimits has no such policy");
            }
        }
        trustedProxies.forEach(Cidr::parse);
    }

    /** No limits, no shedding. */
    public static LimitsConfig none() {
        return from(Settings.of(Map.of()));
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(
                RATE_LIMITS,
                JOB_API,
                TRUSTED_PROXIES,
                ON_STORE_FAILURE,
                MAX_UNFINISHED_JOBS,
                MAX_BROKER_BACKLOG,
                MAX_STORE_LATENCY,
                PROBE_INTERVAL,
                SHED_RETRY_AFTER);
    }

    /** Reads the keys; problems are recorded in {@code settings} and the offending parts left out. */
    public static LimitsConfig from(Settings settings) {
        Map<String, RateLimitPolicy> policies = policies(settings);
        List<String> jobApi = new ArrayList<>();
        for (String name : settings.get(JOB_API)) {
            if (policies.containsKey(name)) {
                jobApi.add(name);
            } else {
                settings.reject(JOB_API.name() + " names policy '" + name + "', but rateLimits has no such policy;"
                        + " declare it as rateLimits." + name + ".limit/.window/.by");
            }
        }
        List<String> proxies = new ArrayList<>();
        for (String proxy : settings.get(TRUSTED_PROXIES)) {
            try {
                Cidr.parse(proxy);
                proxies.add(proxy);
            } catch (IllegalArgumentException e) {
                settings.reject(TRUSTED_PROXIES.name() + ": " + e.getMessage() + "; expected e.g. 10.0.0.0/8");
            }
        }
        return new LimitsConfig(
                policies,
                jobApi,
                proxies,
                settings.get(ON_STORE_FAILURE).equals("open"),
                settings.get(MAX_UNFINISHED_JOBS),
                settings.get(MAX_BROKER_BACKLOG),
                settings.get(MAX_STORE_LATENCY),
                settings.get(PROBE_INTERVAL),
                settings.get(SHED_RETRY_AFTER));
    }

    /** {@code rateLimits} arrives flattened as {@code <name>.<field>=value}; group and check it per policy. */
    private static Map<String, RateLimitPolicy> policies(Settings settings) {
        Map<String, Map<String, String>> fields = new LinkedHashMap<>();
        settings.get(RATE_LIMITS).forEach((key, value) -> {
            int dot = key.lastIndexOf('.');
            if (dot <= 0) {
                settings.reject(RATE_LIMITS.name() + "." + key + ": expected rateLimits.<name>.limit, .window or .by");
                return;
            }
            fields.computeIfAbsent(key.substring(0, dot), n -> new LinkedHashMap<>())
                    .put(key.substring(dot + 1), value);
        });
        Map<String, RateLimitPolicy> policies = new LinkedHashMap<>();
        fields.forEach((name, values) -> {
            String at = RATE_LIMITS.name() + "." + name;
            for (String field : values.keySet()) {
                if (!List.of("limit", "window", "by").contains(field)) {
                    settings.reject(at + "." + field + ": unknown field; a policy has limit, window and by");
                }
            }
            try {
                String limit = values.get("limit");
                if (limit == null) {
                    throw new IllegalArgumentException(at + ".limit is required (requests per window)");
                }
                long parsedLimit = parseLimit(at, limit);
                Duration window = ConfigKey.in(GROUP, at + ".window")
                        .duration(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1))
                        .parser()
                        .apply(values.getOrDefault("window", "60s"));
                Partition by = parsePartition(at, values.getOrDefault("by", "apiKey"));
                policies.put(name, new RateLimitPolicy(name, parsedLimit, window, by));
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                settings.reject(message.startsWith(RATE_LIMITS.name()) ? message : at + ".window: " + message);
            }
        });
        return policies;
    }

    private static long parseLimit(String at, String text) {
        try {
            long limit = Long.parseLong(text.trim());
            if (limit < 1 || limit > 1_000_000_000) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    at + ".limit must be an integer from 1 to 1000000000, but was '" + text + "'");
        }
    }

    private static Partition parsePartition(String at, String text) {
        try {
            return Partition.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".by " + e.getMessage());
        }
    }

    /** The policies of {@code names}, in that order. */
    public List<RateLimitPolicy> policies(List<String> names) {
        return names.stream().map(policies::get).toList();
    }
}
