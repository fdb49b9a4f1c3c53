package dev.offload.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Has Jackson build its serializers and deserializers of the job model before the first request needs them. Jackson
 * builds them on first use, by introspection: in a JFR recording of a fresh gateway's first submission (about 250 ms
 * in all) that was the largest part of its CPU samples (the store document, the response document, the envelope),
 * and a process that starts under load queues its first requests behind it. Called once at start-up by the gateway
 * and the worker.
 */
public final class JsonWarmUp {
    private JsonWarmUp() {}

    /**
     * Writes and reads back a sample job in every form the accept and worker paths use: the stored job, its public
     * document, its broker envelope and its change event.
     *
     * @throws IllegalStateException if a form does not read back as it was written (a model that cannot round-trip
     *     would lose data in the store)
     */
    public static void run() {
        Instant now = Instant.now();
        JobSpec spec = new JobSpec(
                "warm-up",
                "default",
                1,
                Json.MAPPER.createObjectNode().put("text", "sample").put("number", 1),
                Map.of("label", "value"),
                "https://example.com/callback",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                3,
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                "key",
                "fingerprint");
        Job queued = Job.queued(JobId.next(now), "tenant", spec, now, Duration.ofSeconds(30));
        Job done = queued.claim("worker", now, Duration.ofSeconds(30))
                .succeed(Json.MAPPER.createObjectNode().put("ok", true), now);
        for (Job job : new Job[] {queued, done}) {
            roundTrip(job, Job.class);
            roundTrip(JobEnvelope.of(job, now), JobEnvelope.class);
            roundTrip(JobEvent.of(job), JobEvent.class);
            Json.toBytes(JobDocument.of(job)); // only ever written
        }
    }

    private static <T> void roundTrip(T value, Class<T> type) {
        T read = Json.fromBytes(Json.toBytes(value), type);
        if (!read.equals(value)) {
            throw new IllegalStateException(type.getSimpleName() + " does not read back as written: " + value);
        }
    }
}
