package dev.offload.gateway.jobs;

import dev.offload.model.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shard of a new job without an Idempotency-Key: the same for every job this gateway creates within one period,
 * the next shard in the period after. Group commit gathers concurrent submissions into one store batch, and the store
 * writes the jobs of a batch that share a shard with one script call (on Redis their keys share the shard's hash
 * tag), so jobs that arrive together should share a shard; picking one at random for each job made a batch of 128
 * cost about 32 script calls. Over {@link JobId#SHARDS} periods every shard gets one, so the shards still fill
 * evenly; each gateway starts at its own random offset, so that gateways do not move through the shards in step.
 * Stateless apart from the offset; thread-safe.
 */
final class ShardRotation {
    static final Duration PERIOD = Duration.ofMillis(10);

    private final int offset;

    ShardRotation(int offset) {
        this.offset = Math.floorMod(offset, JobId.SHARDS);
    }

    /** A rotation starting at a random shard. */
    static ShardRotation startingAnywhere() {
        return new ShardRotation(ThreadLocalRandom.current().nextInt(JobId.SHARDS));
    }

    /** The shard of jobs created at {@code now}. */
    int shardAt(Instant now) {
        long period = now.toEpochMilli() / PERIOD.toMillis();
        return (int) Math.floorMod(period + offset, (long) JobId.SHARDS);
    }
}
