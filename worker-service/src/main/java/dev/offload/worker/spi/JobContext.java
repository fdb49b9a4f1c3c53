package dev.offload.worker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * What a {@link JobHandler} knows about the attempt it runs, and how it talks back to the worker.
 *
 * <p>Thread-safe: the handler may use it from any thread it starts. No method blocks on I/O.
 */
public interface JobContext {

    /** The job id; stable across attempts, so usable as an idempotency key towards other systems. */
    String jobId();

    /** The job type. */
    String type();

    /** The submitted payload (never {@code null}; JSON {@code null} is a {@code NullNode}). */
    JsonNode payload();

    /** The number of this attempt, starting at 1. */
    int attempt();

    /** How many attempts the job may have in total. */
    int maxAttempts();

    /** The client's metadata labels; empty if none. */
    Map<String, String> metadata();

    /**
     * Reports progress, shown to clients in the job document. Writes are coalesced: at most one store write per about
     * 250 ms, the latest report winning, so handlers may call this as often as they like. Does not block.
     *
     * @param percent 0 to 100
     * @param message an optional note (at most 500 characters are kept), or {@code null}
     * @throws IllegalArgumentException if {@code percent} is outside 0 to 100
     */
    void reportProgress(int percent, String message);

    /**
     * {@code true} once the attempt should stop: a client cancelled the job, the attempt timed out, or the worker gave
     * the attempt up. The handler's thread is interrupted at the same moment; this flag serves loops that do not block.
     */
    boolean isCancelled();

    /** When this attempt times out; the handler is interrupted then. */
    Instant deadline();
}
