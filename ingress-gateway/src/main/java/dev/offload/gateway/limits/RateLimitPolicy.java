package dev.offload.gateway.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * A named rate limit: at most {@code limit} requests per {@code window} for each caller, where the caller is told
 * apart by {@code partition}. Configured as {@code rateLimits.<name>.limit|window|by}. Immutable.
 *
 * @param name the policy's name, shown to clients in the {@code RateLimit-Policy} and {@code RateLimit} fields
 * @param limit requests per window (the quota)
 * @param window the window the quota refills over, a whole number of seconds (the draft's {@code w} is in seconds)
 * @param partition what one bucket belongs to
 */
public record RateLimitPolicy(String name, long limit, Duration window, Partition partition) {

    /** What a bucket of the policy belongs to. */
    public enum Partition {
        /** The API key of the request (its digest); a request without a key falls back to its client address. */
        API_KEY("apiKey"),
        /** The client address, from {@code X-Forwarded-For} when the peer is a trusted proxy. */
        IP("ip");

        private final String configName;

        Partition(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static Partition parse(String text) {
            for (Partition partition : values()) {
                if (partition.configName.equals(text)) {
                    return partition;
                }
            }
            throw new IllegalArgumentException("must be apiKey or ip, but was '" + text + "'");
        }
    }

    public RateLimitPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(partition, "partition");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException(
                    "rateLimits.<name>: the name must be 1 to 64 letters, digits, _ or -," + " but was '" + name + "'");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("rateLimits." + name + ".limit must be at least 1, but was " + limit);
        }
        if (window.toSeconds() < 1 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(
                    "rateLimits." + name + ".window must be a whole number of seconds, but was " + window);
        }
    }
}
