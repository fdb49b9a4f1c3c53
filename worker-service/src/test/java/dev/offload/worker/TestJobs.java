package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import dev.offload.store.CreateResult;
import dev.offload.store.JobStore;
import dev.offload.transport.JobPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test data: {@code aJob("demo.echo").payload("{…}").maxAttempts(3).submitTo(store, publisher, clock)}. */
final class TestJobs {
    static final Duration PUBLISH_GRACE = Duration.ofSeconds(30);

    private final String type;
    private JsonNode payload = Json.MAPPER.createObjectNode();
    private int maxAttempts = 1;
    private Duration timeout = Duration.ofSeconds(30);
    private String queue = "default";

    private TestJobs(String type) {
        this.type = type;
    }

    static TestJobs aJob(String type) {
        return new TestJobs(type);
    }

    TestJobs payload(String json) {
        payload = Json.fromString(json, JsonNode.class);
        return this;
    }

    TestJobs maxAttempts(int attempts) {
        maxAttempts = attempts;
        return this;
    }

    TestJobs timeout(Duration value) {
        timeout = value;
        return this;
    }

    TestJobs queue(String name) {
        queue = name;
        return this;
    }

    JobSpec spec() {
        return new JobSpec(
                type,
                queue,
                0,
                payload,
                Map.of("suite", "worker"),
                null,
                null,
                maxAttempts,
                timeout,
                Duration.ofHours(1),
                null,
                null);
    }

    /** A queued job in the store that nobody published (as if the gateway died before the broker confirmed). */
    Job createIn(JobStore store, Clock clock) {
        return createIn(store, clock, PUBLISH_GRACE);
    }

    /** Like {@link #createIn(JobStore, Clock)}, with the scheduler due to publish it after {@code publishGrace}. */
    Job createIn(JobStore store, Clock clock, Duration publishGrace) {
        Instant now = clock.instant();
        Job job = Job.queued(JobId.next(now), "tenant-a", spec(), now, publishGrace);
        return ((CreateResult.Created) store.create(job, Duration.ofHours(1))).job();
    }

    /** A delayed job that becomes due at {@code runAt}. */
    Job scheduleIn(JobStore store, Clock clock, Instant runAt) {
        Instant now = clock.instant();
        Job job = Job.scheduled(JobId.next(now), "tenant-a", spec(), now, runAt);
        return ((CreateResult.Created) store.create(job, Duration.ofHours(1))).job();
    }

    /** What the gateway does: store the job, publish its message, mark it published. Returns the job id. */
    String submitTo(JobStore store, JobPublisher publisher, Clock clock) throws Exception {
        Job job = createIn(store, clock);
        publisher
                .publish(JobEnvelope.of(job, clock.instant()))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        store.compareAndSet(job, job.markPublished(clock.instant()));
        return job.id();
    }
}
