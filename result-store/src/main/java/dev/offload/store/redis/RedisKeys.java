package dev.offload.store.redis;

import dev.offload.model.JobId;

/**
 * The Redis key layout. Every key of a job, and every index entry a script touches with it, carries the job's shard
 * as a hash tag ({@code {7}}), so that one script only touches one Redis Cluster slot.
 *
 * <pre>
 * prefix:{shard}:job:id                     HASH v (version), doc (job JSON); expires at the job's expiry
 * prefix:{shard}:timers                     ZSET id scored by the job's deadline (epoch ms)
 * prefix:{shard}:tenant:tenant              ZSET id scored by creation time (epoch ms), the listing index
 * prefix:{shard}:idem:tenant:key            STRING job id, expires with the idempotency TTL
 * prefix:{shard}:unfinished                 HASH tenant → the tenant's unfinished jobs of this shard
 * prefix:rl:bucket                          STRING rate-limit state of one bucket (GCRA theoretical arrival time)
 * prefix:{shard}:outbox                     STREAM webhook events of the shard's jobs (see {@link WebhookOutbox})
 * prefix:{shard}:hooks:tenant               STRING present while the tenant has webhook endpoints
 * prefix:events                             pub/sub channel of job events
 * </pre>
 */
record RedisKeys(String prefix) {

    String job(String id) {
        return jobPrefix(JobId.shardOf(id)) + id;
    }

    /** The job key without its id: scripts append ids of jobs in the same shard. */
    String jobPrefix(int shard) {
        return shard(shard) + "job:";
    }

    String timers(int shard) {
        return shard(shard) + "timers";
    }

    String tenantIndex(int shard, String tenant) {
        return shard(shard) + "tenant:" + tenant;
    }

    String idempotency(String tenant, String key) {
        return shard(JobId.shardFor(tenant, key)) + "idem:" + tenant + ":" + key;
    }

    /** One counter per tenant and shard, so that the job scripts update it in the job's own slot. */
    String unfinished(int shard) {
        return shard(shard) + "unfinished";
    }

    String rateLimit(String bucket) {
        return prefix + ":rl:" + bucket;
    }

    String outbox(int shard) {
        return shard(shard) + "outbox";
    }

    String tenantHooks(int shard, String tenant) {
        return shard(shard) + "hooks:" + tenant;
    }

    String events() {
        return prefix + ":events";
    }

    private String shard(int shard) {
        return prefix + ":{" + shard + "}:";
    }
}
