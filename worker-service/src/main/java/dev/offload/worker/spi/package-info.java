/**
 * The stable service provider interface for job handlers: implement {@link dev.offload.worker.spi.JobHandler}, read
 * the job through {@link dev.offload.worker.spi.JobContext}, throw {@link dev.offload.worker.spi.PermanentJobFailure}
 * for failures that no retry can fix. Nothing else of the worker is needed to write a handler.
 */
package dev.offload.worker.spi;
