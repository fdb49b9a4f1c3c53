package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Job;
import dev.offload.model.Progress;
import dev.offload.worker.spi.JobContext;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link JobContext} of one attempt. Progress reports only leave a note and wake the attempt's supervisor, which
 * writes the latest report at most once per {@link #PROGRESS_INTERVAL_NANOS}; so a handler never blocks on the store.
 * Thread-safe.
 */
final class AttemptContext implements JobContext {
    static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final Job job;
    private final Instant deadline;
    private final Runnable wakeSupervisor;
    private final AtomicReference<Progress> pending = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile long lastProgressWrite = System.nanoTime() - PROGRESS_INTERVAL_NANOS;

    AttemptContext(Job claimed, Instant deadline, Runnable wakeSupervisor) {
        this.job = claimed;
        this.deadline = deadline;
        this.wakeSupervisor = wakeSupervisor;
    }

    @Override
    public String jobId() {
        return job.id();
    }

    @Override
    public String type() {
        return job.spec().type();
    }

    @Override
    public JsonNode payload() {
        return job.spec().payload();
    }

    @Override
    public int attempt() {
        return job.attempts();
    }

    @Override
    public int maxAttempts() {
        return job.spec().maxAttempts();
    }

    @Override
    public Map<String, String> metadata() {
        return job.spec().metadata();
    }

    @Override
    public void reportProgress(int percent, String message) {
        pending.set(new Progress(percent, message));
        wakeSupervisor.run();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    void markCancelled() {
        cancelled = true;
    }

    /** {@code true} if a report waits and the last write is long enough ago ({@code nowNanos} from nanoTime). */
    boolean isProgressDue(long nowNanos) {
        return pending.get() != null && nowNanos - nextProgressWrite() >= 0;
    }

    /** When a waiting report may be written, in {@link System#nanoTime()} terms, or {@code orElse} if none waits. */
    long progressDueAt(long orElse) {
        return pending.get() == null ? orElse : nextProgressWrite();
    }

    private long nextProgressWrite() {
        return lastProgressWrite + PROGRESS_INTERVAL_NANOS;
    }

    /** Takes the pending report for writing, or {@code null} if there is none. */
    Progress takeProgress(long nowNanos) {
        Progress progress = pending.getAndSet(null);
        if (progress != null) {
            lastProgressWrite = nowNanos;
        }
        return progress;
    }
}
