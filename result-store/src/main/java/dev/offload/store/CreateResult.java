package dev.offload.store;

import dev.offload.model.Job;

/** What {@link JobStore#create} did. */
public sealed interface CreateResult {

    /** The job was stored. */
    record Created(Job job) implements CreateResult {}

    /** The idempotency key was already taken by {@code existing}; nothing was written. */
    record Duplicate(Job existing) implements CreateResult {}
}
