package dev.offload.gateway.limits;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of the IETF httpapi draft (draft-ietf-httpapi-ratelimit-
 * headers-10): Structured-Field lists with one item per policy, the policy name as a String item.
 *
 * <pre>
 * RateLimit-Policy: "per-key";q=100;w=60, "per-ip";q=300;w=60
 * RateLimit: "per-key";r=42;t=35, "per-ip";r=299;t=1
 * </pre>
 *
 * {@code q} is the quota (requests), {@code w} the window in seconds, {@code r} the requests remaining and {@code t}
 * the seconds until the quota is whole again (rounded up). Not the legacy {@code X-RateLimit-*} fields.
 */
public final class RateLimitHeaders {
    public static final String POLICY = "RateLimit-Policy";
    public static final String LIMIT = "RateLimit";

    private RateLimitHeaders() {}

    static String policy(List<RateLimitDecision> decisions) {
        return decisions.stream()
                .map(d -> item(d.policy()) + ";q=" + d.policy().limit() + ";w="
                        + d.policy().window().toSeconds())
                .collect(Collectors.joining(", "));
    }

    /** The current state; decisions of a store that failed open are left out (nothing is known of them). */
    static String limit(List<RateLimitDecision> decisions) {
        return decisions.stream()
                .filter(RateLimitDecision::known)
                .map(d -> item(d.policy()) + ";r=" + d.remaining() + ";t=" + ceilSeconds(d))
                .collect(Collectors.joining(", "));
    }

    private static long ceilSeconds(RateLimitDecision decision) {
        long millis = decision.reset().toMillis();
        return (millis + 999) / 1000;
    }

    /** Policy names are letters, digits, _ and - (checked by {@link RateLimitPolicy}): nothing to escape. */
    private static String item(RateLimitPolicy policy) {
        return "\"" + policy.name() + "\"";
    }
}
