package dev.offload.gateway.jobs;

import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Test data for the gateway's job tests. */
final class SampleJobs {
    private SampleJobs() {}

    /** A queued demo.echo job of tenant "t", not yet stored. */
    static Job queued() {
        Instant now = Instant.now();
        JobSpec spec = new JobSpec(
                "demo.echo",
                "default",
                0,
                Json.MAPPER.createObjectNode(),
                Map.of(),
                null,
                null,
                3,
                Duration.ofMinutes(5),
                Duration.ofDays(1),
                null,
                null);
        return Job.queued(JobId.next(now), "t", spec, now, Duration.ofMinutes(1));
    }
}
