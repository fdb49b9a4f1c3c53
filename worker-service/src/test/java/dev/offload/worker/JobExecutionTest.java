package dev.offload.worker;

import static dev.offload.worker.TestJobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobState;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One execution's supervision against the real embedded store, with the handler threads as the seam. */
class JobExecutionTest {
    /** Far longer than the test waits: an execution that sleeps until its next heartbeat fails the test. */
    private static final Duration HEARTBEAT = Duration.ofMinutes(1);

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private JobStore store;
    private ExecutorService threads;

    @BeforeEach
    void openStore() {
        store = JobStores.embedded(new EmbeddedStoreConfig(dataDir));
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        store.close();
    }

    /**
     * The supervisor sleeps until the next heartbeat unless woken. It used to be woken from inside the handler's
     * task, just before the executor's future got the result: when it looked in that moment, it found the handler
     * unfinished, and the job waited a whole heartbeat interval (one no-op job in about ten thousand in the e2e
     * bench). An executor whose futures get their results late makes that moment long; the execution must not
     * depend on when they do.
     */
    @Test
    void handlerWhoseResultIsSetLateIsSeenAtOnceNotAtTheNextHeartbeat() {
        threads = new LateCompletingExecutor(Duration.ofMillis(200));
        Job job = aJob("demo.echo").payload("{\"n\":1}").createIn(store, clock);
        JobExecution execution = new JobExecution(environment(), JobEnvelope.of(job, clock.instant()));

        assertTimeoutPreemptively(Duration.ofSeconds(10), execution::run);

        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    private ExecutionEnvironment environment() {
        WorkerConfig config = new WorkerConfig(
                "w1",
                1,
                HEARTBEAT.multipliedBy(3),
                HEARTBEAT,
                Duration.ZERO,
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                TestJobs.PUBLISH_GRACE);
        return new ExecutionEnvironment(
                config,
                new PatientStore(store, () -> false),
                clock,
                HandlerRegistry.builder().loadServices().build(),
                threads,
                new WorkerMetrics(new SimpleMeterRegistry(), () -> 0));
    }

    /** Runs each task on a thread of its own; the futures of {@code submit} get their result {@code lateness} late. */
    private static final class LateCompletingExecutor extends ThreadPoolExecutor {
        private final Duration lateness;

        LateCompletingExecutor(Duration lateness) {
            super(
                    0,
                    Integer.MAX_VALUE,
                    1,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    Executors.defaultThreadFactory());
            this.lateness = lateness;
        }

        @Override
        protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
            return new FutureTask<>(callable) {
                @Override
                protected void set(T value) {
                    pause();
                    super.set(value);
                }
            };
        }

        private void pause() {
            try {
                Thread.sleep(lateness);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
