package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * The public view of a job (schema {@code job-document.schema.json}): what clients see, without the tenant, lease,
 * payload or bookkeeping fields. Absent values are omitted, never null. The API answers it and webhook deliveries carry
 * it as their {@code data}, so both show a job the same way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDocument(
        String id,
        String type,
        String queue,
        JobState state,
        int priority,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant runAt,
        int attempts,
        int maxAttempts,
        long timeoutSeconds,
        Progress progress,
        JsonNode result,
        JobError error,
        boolean cancelRequested,
        Map<String, String> metadata,
        Links links) {

    /** Where the job API lives; the links are relative to the API's base. */
    public static final String PATH = "/v1/jobs";

    public static JobDocument of(Job job) {
        var spec = job.spec();
        String self = PATH + "/" + job.id();
        Links links = new Links(
                self,
                job.state() == JobState.SUCCEEDED ? self + "/result" : null,
                job.state().isTerminal() ? null : self);
        return new JobDocument(
                job.id(),
                spec.type(),
                spec.queue(),
                job.state(),
                spec.priority(),
                job.createdAt(),
                job.updatedAt(),
                job.startedAt(),
                job.finishedAt(),
                job.state().isWaiting() ? job.dueAt() : null,
                job.attempts(),
                spec.maxAttempts(),
                spec.timeout().toSeconds(),
                job.progress(),
                job.state() == JobState.SUCCEEDED ? resultOrNull(job.result()) : null,
                job.error(),
                job.cancelRequested(),
                spec.metadata(),
                links);
    }

    private static JsonNode resultOrNull(JsonNode result) {
        return result == null || result.isMissingNode() ? null : result;
    }

    /** Relative links: the job itself, its result once it succeeded, and where to cancel it while unfinished. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Links(String self, String result, String cancel) {}
}
