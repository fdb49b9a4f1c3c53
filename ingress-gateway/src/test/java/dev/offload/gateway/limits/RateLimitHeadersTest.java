package dev.offload.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.gateway.limits.RateLimitPolicy.Partition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
    private static final RateLimitPolicy PER_KEY =
            new RateLimitPolicy("per-key", 100, Duration.ofMinutes(1), Partition.API_KEY);
    private static final RateLimitPolicy PER_IP = new RateLimitPolicy("per-ip", 5, Duration.ofSeconds(1), Partition.IP);

    @Test
    void fieldsFollowTheStructuredFieldSyntaxOfTheDraft() {
        List<RateLimitDecision> decisions = List.of(
                new RateLimitDecision(PER_KEY, true, 42, Duration.ofMillis(34_001), Duration.ZERO),
                new RateLimitDecision(PER_IP, false, 0, Duration.ofMillis(900), Duration.ofMillis(200)));

        assertThat(RateLimitHeaders.policy(decisions)).isEqualTo("\"per-key\";q=100;w=60, \"per-ip\";q=5;w=1");
        assertThat(RateLimitHeaders.limit(decisions)).isEqualTo("\"per-key\";r=42;t=35, \"per-ip\";r=0;t=1");
    }

    @Test
    void uncheckedPolicyIsDeclaredButHasNoCurrentState() {
        List<RateLimitDecision> decisions = List.of(RateLimitDecision.unchecked(PER_KEY));

        assertThat(RateLimitHeaders.policy(decisions)).isEqualTo("\"per-key\";q=100;w=60");
        assertThat(RateLimitHeaders.limit(decisions)).isEmpty();
    }
}
