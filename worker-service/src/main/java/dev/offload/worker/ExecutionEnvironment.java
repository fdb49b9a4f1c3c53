package dev.offload.worker;

import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * What every {@link JobExecution} of one worker shares.
 *
 * @param config the worker's configuration
 * @param store the store, retried while unavailable
 * @param clock the source of the instants written to the store
 * @param handlers the job handlers
 * @param threads a virtual thread per task, for handlers
 * @param metrics the worker's meters
 */
record ExecutionEnvironment(
        WorkerConfig config,
        PatientStore store,
        Clock clock,
        HandlerRegistry handlers,
        ExecutorService threads,
        WorkerMetrics metrics) {}
