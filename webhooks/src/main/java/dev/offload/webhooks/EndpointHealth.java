package dev.offload.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * How an endpoint has been doing.
 *
 * @param failingSince the first failure after its last success, or {@code null} while it succeeds
 * @param disabledAt when it was disabled, or {@code null} while enabled
 * @param disabledReason why (410 Gone, or failing for too long), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointHealth(Instant failingSince, Instant disabledAt, String disabledReason) {
    public static final EndpointHealth HEALTHY = new EndpointHealth(null, null, null);

    public boolean disabled() {
        return disabledAt != null;
    }
}
