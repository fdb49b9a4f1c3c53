package dev.offload.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's claim on a running job. The worker renews it by heartbeats; once {@code expiresAt} passes without renewal
 * the job is considered abandoned and runs again as its next attempt.
 *
 * @param owner the worker instance id that runs the job
 * @param expiresAt when the claim lapses unless renewed
 */
public record Lease(String owner, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
