package dev.offload.webhooks;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.webhooks.ssrf.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of webhook delivery. Immutable; every instance is valid (the constructor rejects bad values with a
 * message naming the configuration key).
 *
 * @param allowHttp whether plain {@code http://} endpoints are accepted (otherwise {@code https://} only)
 * @param allowedNetworks networks that endpoints may reach although the SSRF guard would refuse them (e.g. loopback)
 * @param retrySchedule the delay before each attempt: the first entry before the first attempt, and so on
 * @param requestTimeout the longest one delivery request may take, connect to last response byte
 * @param responseBodyLimit how many bytes of a receiver's response body are read (and kept for the log)
 * @param endpointConcurrency the most requests in flight to one endpoint, so a slow receiver cannot starve others
 * @param maxInFlight the most requests in flight per dispatcher
 * @param disableAfter an endpoint failing without a single success for this long is disabled
 * @param rotationGrace how long a rotated secret keeps signing beside the new one
 * @param pollInterval how often an idle dispatcher looks for new events and due retries
 * @param reclaimAfter how long an event read by a dispatcher may stay unrecorded before another dispatcher takes it
 * @param retention how long delivery records are kept
 */
public record WebhookConfig(
        boolean allowHttp,
        List<Cidr> allowedNetworks,
        List<Duration> retrySchedule,
        Duration requestTimeout,
        long responseBodyLimit,
        int endpointConcurrency,
        int maxInFlight,
        Duration disableAfter,
        Duration rotationGrace,
        Duration pollInterval,
        Duration reclaimAfter,
        Duration retention) {
    private static final String GROUP = "Webhooks";

    public static final ConfigKey<Boolean> ALLOW_HTTP = ConfigKey.in(GROUP, "webhooks.allowHttp")
            .doc("Accept plain http:// webhook and callback URLs. Off by default: deliveries carry job results.")
            .bool(false);
    public static final ConfigKey<List<String>> ALLOWED_NETWORKS = ConfigKey.in(GROUP, "webhooks.allowedNetworks")
            .doc("CIDR blocks (e.g. 10.1.0.0/16,127.0.0.1/32) that webhooks may reach although they are loopback,"
                    + " private, link-local or otherwise refused by the SSRF guard. Empty by default.")
            .list(List.of());
    public static final ConfigKey<List<Duration>> RETRY_SCHEDULE = ConfigKey.in(GROUP, "webhooks.retrySchedule")
            .doc("Delay before each delivery attempt, the first one included (Standard Webhooks' schedule by"
                    + " default); each delay gets up to 10% jitter, a receiver's Retry-After can lengthen it. After"
                    + " the last attempt the delivery fails.")
            .durations(
                    List.of(
                            Duration.ZERO,
                            Duration.ofSeconds(5),
                            Duration.ofMinutes(5),
                            Duration.ofMinutes(30),
                            Duration.ofHours(2),
                            Duration.ofHours(5),
                            Duration.ofHours(10),
                            Duration.ofHours(14),
                            Duration.ofHours(20),
                            Duration.ofHours(24)),
                    Duration.ofDays(7));
    public static final ConfigKey<Duration> REQUEST_TIMEOUT = ConfigKey.in(GROUP, "webhooks.requestTimeout")
            .doc("Longest time one delivery request may take, from connecting to the last response byte.")
            .duration(Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(5));
    public static final ConfigKey<Long> RESPONSE_BODY_LIMIT = ConfigKey.in(GROUP, "webhooks.responseBodyLimit")
            .rare()
            .doc("Bytes of a receiver's response body that are read and kept in the delivery log; the rest is"
                    + " discarded unread.")
            .bytes(1024L, 0L, 65_536L);
    public static final ConfigKey<Integer> ENDPOINT_CONCURRENCY = ConfigKey.in(GROUP, "webhooks.endpointConcurrency")
            .doc("Most delivery requests in flight to one endpoint per dispatcher, so that one slow receiver cannot"
                    + " hold all of webhooks.maxInFlight.")
            .integer(4, 1, 1000);
    public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.in(GROUP, "webhooks.maxInFlight")
            .rare()
            .doc("Most delivery requests in flight per dispatcher.")
            .integer(128, 1, 10_000);
    public static final ConfigKey<Duration> DISABLE_AFTER = ConfigKey.in(GROUP, "webhooks.disableAfter")
            .doc("An endpoint whose deliveries fail without a single success for this long is disabled (recorded"
                    + " on the endpoint). 410 Gone disables it at once.")
            .duration(Duration.ofDays(5), Duration.ofSeconds(1), Duration.ofDays(90));
    public static final ConfigKey<Duration> ROTATION_GRACE = ConfigKey.in(GROUP, "webhooks.rotationGrace")
            .doc("How long a rotated secret keeps signing deliveries beside the new one.")
            .duration(Duration.ofHours(24), Duration.ZERO, Duration.ofDays(30));
    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.in(GROUP, "webhooks.pollInterval")
            .rare()
            .doc("How often an idle dispatcher looks for new job events and due retries.")
            .duration(Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofSeconds(30));
    public static final ConfigKey<Duration> RECLAIM_AFTER = ConfigKey.in(GROUP, "webhooks.reclaimAfter")
            .rare()
            .doc("How long a job event read by a dispatcher may stay unrecorded before another dispatcher takes it"
                    + " over (the first one died).")
            .duration(Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1));
    public static final ConfigKey<Duration> RETENTION = ConfigKey.in(GROUP, "webhooks.retention")
            .doc("How long delivery records (the delivery log) are kept.")
            .duration(Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofDays(90));

    public WebhookConfig {
        allowedNetworks = List.copyOf(Objects.requireNonNull(allowedNetworks, ALLOWED_NETWORKS.name()));
        retrySchedule = List.copyOf(Objects.requireNonNull(retrySchedule, RETRY_SCHEDULE.name()));
        if (retrySchedule.isEmpty()) {
            throw new IllegalArgumentException(RETRY_SCHEDULE.name() + " must name at least one delay");
        }
        requirePositive(requestTimeout, REQUEST_TIMEOUT);
        requirePositive(disableAfter, DISABLE_AFTER);
        requirePositive(pollInterval, POLL_INTERVAL);
        requirePositive(reclaimAfter, RECLAIM_AFTER);
        requirePositive(retention, RETENTION);
        Objects.requireNonNull(rotationGrace, ROTATION_GRACE.name());
        if (endpointConcurrency < 1 || maxInFlight < 1 || responseBodyLimit < 0) {
            throw new IllegalArgumentException(ENDPOINT_CONCURRENCY.name() + " and " + MAX_IN_FLIGHT.name()
                    + " must be at least 1, " + RESPONSE_BODY_LIMIT.name() + " at least 0");
        }
    }

    /** The defaults: https only, nothing private reachable, Standard Webhooks' retry schedule. */
    public static WebhookConfig defaults() {
        return from(Settings.of(java.util.Map.of()));
    }

    /** Reads the keys; invalid values are recorded in {@code settings} and replaced by their defaults here. */
    public static WebhookConfig from(Settings settings) {
        List<Cidr> networks = new ArrayList<>();
        for (String text : settings.get(ALLOWED_NETWORKS)) {
            try {
                networks.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                settings.reject(ALLOWED_NETWORKS.name() + " must list CIDR blocks like 10.0.0.0/8 or ::1/128, but '"
                        + text + "' is not one: " + e.getMessage());
            }
        }
        return new WebhookConfig(
                settings.get(ALLOW_HTTP),
                networks,
                settings.get(RETRY_SCHEDULE),
                settings.get(REQUEST_TIMEOUT),
                settings.get(RESPONSE_BODY_LIMIT),
                settings.get(ENDPOINT_CONCURRENCY),
                settings.get(MAX_IN_FLIGHT),
                settings.get(DISABLE_AFTER),
                settings.get(ROTATION_GRACE),
                settings.get(POLL_INTERVAL),
                settings.get(RECLAIM_AFTER),
                settings.get(RETENTION));
    }

    /** Every key this record reads, for validation and the reference page. */
    public static List<ConfigKey<?>> keys() {
        return List.of(
                ALLOW_HTTP,
                ALLOWED_NETWORKS,
                RETRY_SCHEDULE,
                REQUEST_TIMEOUT,
                RESPONSE_BODY_LIMIT,
                ENDPOINT_CONCURRENCY,
                MAX_IN_FLIGHT,
                DISABLE_AFTER,
                ROTATION_GRACE,
                POLL_INTERVAL,
                RECLAIM_AFTER,
                RETENTION);
    }

    private static void requirePositive(Duration value, ConfigKey<Duration> key) {
        Objects.requireNonNull(value, key.name());
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key.name() + " must be positive, but was " + value);
        }
    }
}
