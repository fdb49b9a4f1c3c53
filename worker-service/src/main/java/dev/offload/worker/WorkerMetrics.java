package dev.offload.worker;

import dev.offload.model.Job;
import dev.offload.model.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters. In Prometheus naming they read {@code offload_jobs_started_total},
 * {@code offload_jobs_succeeded_total}, {@code offload_jobs_failed_total}, {@code offload_jobs_retried_total},
 * {@code offload_jobs_cancelled_total} (tag {@code type}), {@code offload_job_run_seconds},
 * {@code offload_job_queue_wait_seconds} (histograms, tag {@code type}) and {@code offload_worker_in_flight}.
 * Thread-safe.
 */
final class WorkerMetrics {
    private final MeterRegistry registry;

    WorkerMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
        this.registry = registry;
        Gauge.builder("offload.worker.in.flight", inFlight)
                .description("Jobs this worker is running now")
                .register(registry);
    }

    void started(String type, Duration queueWait) {
        counter("offload.jobs.started", "Attempts started", type).increment();
        Timer.builder("offload.job.queue.wait")
                .description("Time from publication of a job's message to the start of its attempt")
                .tag("type", type)
                .publishPercentileHistogram()
                .register(registry)
                .record(queueWait.isNegative() ? Duration.ZERO : queueWait);
    }

    void ran(String type, Duration runTime) {
        Timer.builder("offload.job.run")
                .description("Run time of job attempts, whatever their outcome")
                .tag("type", type)
                .publishPercentileHistogram()
                .register(registry)
                .record(runTime);
    }

    /** Counts the outcome that was written: succeeded, failed, retried (retrying) or cancelled. */
    void recorded(Job written) {
        String type = written.spec().type();
        JobState state = written.state();
        switch (state) {
            case SUCCEEDED ->
                counter("offload.jobs.succeeded", "Jobs that succeeded", type).increment();
            case FAILED ->
                counter("offload.jobs.failed", "Jobs that failed for good (dead-lettered)", type)
                        .increment();
            case RETRYING ->
                counter("offload.jobs.retried", "Failed attempts followed by another attempt", type)
                        .increment();
            case CANCELLED ->
                counter("offload.jobs.cancelled", "Running jobs stopped by cancellation", type)
                        .increment();
            case SCHEDULED, QUEUED, RUNNING -> {
                // not an outcome
            }
        }
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("type", type).register(registry);
    }
}
