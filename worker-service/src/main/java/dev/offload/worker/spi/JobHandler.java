package dev.offload.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs jobs of one type. Register an implementation with {@code ServiceLoader} (a line with its class name in
 * {@code META-INF/services/dev.offload.worker.spi.JobHandler}; it then needs a public no-argument constructor) or
 * programmatically with {@code HandlerRegistry.builder().register(handler)}.
 *
 * <p>Threading: one instance serves all jobs of its type, so it must be <strong>thread-safe</strong>. Each call of
 * {@link #handle} runs on its own virtual thread and may block (HTTP calls, sleeps, file I/O). The worker interrupts
 * that thread when the attempt is cancelled, times out or is abandoned at shutdown: handlers should let
 * {@link InterruptedException} propagate and check {@link JobContext#isCancelled()} in long loops that do not block.
 *
 * <p>Delivery is at least once: an attempt may run twice (for example after a worker crashed). Only the first outcome
 * of an attempt is recorded, so handlers with side effects should make them idempotent (the job id is a natural
 * idempotency key).
 */
public interface JobHandler {

    /** The job type this handler runs, e.g. {@code demo.sleep}; unique within a worker. */
    String type();

    /**
     * Runs one attempt of a job.
     *
     * @return the job's result, any JSON value (use {@code NullNode} for none); it is stored and shown to clients
     * @throws PermanentJobFailure if the job can never succeed (invalid payload, rejected request): no retry follows
     * @throws Exception any other failure counts as a failed attempt, retried while attempts are left; its message
     *     (never its stack trace) is shown to clients
     */
    JsonNode handle(JobContext context) throws Exception;
}
