package dev.offload.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Test data: {@code Jobs.aQueuedJob().tenant("t1").build()}. */
public final class Jobs {
    private String tenant = "tenant-" + UUID.randomUUID();
    private String type = "demo.sleep";
    private String queue = "default";
    private JsonNode payload = JsonNodeFactory.instance.objectNode().put("millis", 10);
    private Map<String, String> metadata = Map.of();
    private String callbackUrl;
    private String traceparent;
    private String idempotencyKey;
    private String fingerprint;
    private Duration retention = Duration.ofDays(7);
    private Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private Duration publishGrace = Duration.ofSeconds(30);
    private Instant runAt;
    private Integer shard;

    private Jobs() {}

    public static Jobs aQueuedJob() {
        return new Jobs();
    }

    public static Jobs aScheduledJob(Instant runAt) {
        Jobs jobs = new Jobs();
        jobs.runAt = runAt;
        return jobs;
    }

    public Jobs tenant(String value) {
        tenant = value;
        return this;
    }

    public Jobs type(String value) {
        type = value;
        return this;
    }

    public Jobs queue(String value) {
        queue = value;
        return this;
    }

    public Jobs payload(JsonNode value) {
        payload = value;
        return this;
    }

    public Jobs metadata(Map<String, String> value) {
        metadata = value;
        return this;
    }

    public Jobs callbackUrl(String value) {
        callbackUrl = value;
        return this;
    }

    public Jobs traceparent(String value) {
        traceparent = value;
        return this;
    }

    public Jobs idempotencyKey(String key, String requestFingerprint) {
        idempotencyKey = key;
        fingerprint = requestFingerprint;
        return this;
    }

    public Jobs retention(Duration value) {
        retention = value;
        return this;
    }

    public Jobs createdAt(Instant value) {
        createdAt = value;
        return this;
    }

    public Jobs publishGrace(Duration value) {
        publishGrace = value;
        return this;
    }

    /** Puts the job in one store shard (ignored with an idempotency key, which picks the shard). */
    public Jobs inShard(int value) {
        shard = value;
        return this;
    }

    public Job build() {
        int jobShard = idempotencyKey != null
                ? JobId.shardFor(tenant, idempotencyKey)
                : shard != null ? shard : JobId.shardOf(JobId.next(createdAt));
        String id = JobId.next(createdAt, jobShard);
        JobSpec spec = new JobSpec(
                type,
                queue,
                0,
                payload,
                metadata,
                callbackUrl,
                traceparent,
                3,
                Duration.ofMinutes(5),
                retention,
                idempotencyKey,
                fingerprint);
        return runAt == null
                ? Job.queued(id, tenant, spec, createdAt, publishGrace)
                : Job.scheduled(id, tenant, spec, createdAt, runAt);
    }
}
