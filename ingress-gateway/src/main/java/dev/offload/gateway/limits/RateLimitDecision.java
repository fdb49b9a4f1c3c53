package dev.offload.gateway.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of one rate-limit check.
 *
 * @param policy the policy checked
 * @param admitted whether the request may proceed
 * @param remaining requests left in the caller's quota now; {@code -1} when unknown (the store failed open)
 * @param reset how long until the quota is whole again
 * @param retryAfter when refused, how long until one request is allowed; zero otherwise
 */
public record RateLimitDecision(
        RateLimitPolicy policy, boolean admitted, long remaining, Duration reset, Duration retryAfter) {
    public RateLimitDecision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** A request let through without a check because the store could not be reached (fail open). */
    static RateLimitDecision unchecked(RateLimitPolicy policy) {
        return new RateLimitDecision(policy, true, -1, Duration.ZERO, Duration.ZERO);
    }

    /** Whether the store answered, so the decision has a remaining quota to show. */
    public boolean known() {
        return remaining >= 0;
    }
}
