package dev.offload.worker;

import static dev.offload.worker.TestJobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Job;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobError;
import dev.offload.model.JobState;
import dev.offload.model.Json;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's logic against the real embedded store and a fake broker (our own transport seam). */
class WorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private final InMemoryBroker broker = new InMemoryBroker();
    private final GateHandler gate = new GateHandler();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Worker> workers = new ArrayList<>();
    private JobStore store;

    @BeforeEach
    void openStore() {
        store = JobStores.embedded(new EmbeddedStoreConfig(dataDir));
    }

    @AfterEach
    void stopEverything() {
        workers.forEach(Worker::kill);
        broker.close();
        store.close();
    }

    @Test
    void echoJobSucceedsWithItsPayloadAsResult() throws Exception {
        startWorker("w1");

        String id = aJob("demo.echo").payload("{\"hello\":\"world\"}").submitTo(store, broker.publisher(), clock);

        Job done = awaitState(id, JobState.SUCCEEDED);
        assertThat(done.result()).isEqualTo(Json.fromString("{\"hello\":\"world\"}", JsonNode.class));
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.lease()).isNull();
        await().atMost(WAIT).until(() -> broker.acknowledged() == 1);
        assertThat(meters.counter("offload.jobs.succeeded", "type", "demo.echo").count())
                .isEqualTo(1.0);
        assertThat(meters.counter("offload.jobs.started", "type", "demo.echo").count())
                .isEqualTo(1.0);
    }

    @Test
    void progressReportedByTheHandlerIsVisibleWhileTheJobRuns() throws Exception {
        startWorker("w1");

        String id = aJob(GateHandler.TYPE).submitTo(store, broker.publisher(), clock);

        await().atMost(WAIT).untilAsserted(() -> {
            Job running = store.find(id).orElseThrow();
            assertThat(running.state()).isEqualTo(JobState.RUNNING);
            assertThat(running.progress()).isNotNull();
            assertThat(running.progress().percent()).isEqualTo(10);
            assertThat(running.progress().message()).isEqualTo("waiting at the gate");
        });
        gate.open();
        assertThat(awaitState(id, JobState.SUCCEEDED).progress().percent()).isEqualTo(100);
    }

    @Test
    void failedAttemptIsRetriedAndTheNextAttemptSucceeds() throws Exception {
        startWorker("w1");

        String id = aJob("demo.fail")
                .payload("{\"failAttempts\":1}")
                .maxAttempts(3)
                .submitTo(store, broker.publisher(), clock);

        Job done = awaitState(id, JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.result().path("attempt").asInt()).isEqualTo(2);
        assertThat(meters.counter("offload.jobs.retried", "type", "demo.fail").count())
                .isEqualTo(1.0);
    }

    @Test
    void lastFailedAttemptFailsTheJobWithTheReasonButNoStackTrace() throws Exception {
        startWorker("w1");

        String id = aJob("demo.fail")
                .payload("{\"message\":\"upstream said no\"}")
                .maxAttempts(2)
                .submitTo(store, broker.publisher(), clock);

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.error().type()).isEqualTo("handler.failed");
        assertThat(failed.error().message()).isEqualTo("attempt 2 of 2 failed: upstream said no (DemoFailure)");
        assertThat(failed.error().message()).doesNotContain("\tat ");
    }

    @Test
    void permanentFailureFailsTheJobAtOnceDespiteAttemptsLeft() throws Exception {
        startWorker("w1");

        String id = aJob("demo.fail")
                .payload("{\"message\":\"bad input\",\"permanent\":true}")
                .maxAttempts(5)
                .submitTo(store, broker.publisher(), clock);

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.error().type()).isEqualTo("handler.rejected");
        assertThat(failed.error().message()).isEqualTo("attempt 1 of 5 failed: bad input");
    }

    @Test
    void attemptRunningPastItsTimeoutIsInterruptedAndCountsAsAFailedAttempt() throws Exception {
        startWorker("w1");

        String id = aJob(GateHandler.TYPE).timeout(Duration.ofMillis(300)).submitTo(store, broker.publisher(), clock);

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.error().type()).isEqualTo("timeout");
        assertThat(failed.error().message()).isEqualTo("attempt 1 of 1 timed out after 300ms");
        await().atMost(WAIT).until(() -> gate.interrupted() == 1);
    }

    @Test
    void cancellingARunningJobInterruptsTheHandlerPromptly() throws Exception {
        startWorker("w1");
        String id = aJob(GateHandler.TYPE).submitTo(store, broker.publisher(), clock);
        awaitState(id, JobState.RUNNING);

        requestCancel(id);

        await().atMost(Duration.ofSeconds(2)).until(() -> state(id) == JobState.CANCELLED);
        await().atMost(WAIT).until(() -> gate.interrupted() == 1);
        assertThat(meters.counter("offload.jobs.cancelled", "type", GateHandler.TYPE)
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void duplicateMessageOfAFinishedJobIsAcknowledgedWithoutRunningAgain() throws Exception {
        startWorker("w1");
        String id = aJob(GateHandler.TYPE).submitTo(store, broker.publisher(), clock);
        gate.open();
        awaitState(id, JobState.SUCCEEDED);

        broker.redeliver(broker.published().getFirst());

        await().atMost(WAIT).until(() -> broker.acknowledged() == 2);
        assertThat(gate.started()).isEqualTo(1);
        assertThat(store.find(id).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void unpublishedQueuedJobIsPublishedByTheSchedulerAndRuns() {
        startWorker("w1");
        Job job = aJob("demo.echo").payload("{\"n\":1}").createIn(store, clock);

        clock.advance(TestJobs.PUBLISH_GRACE.plusSeconds(1));

        Job done = awaitState(job.id(), JobState.SUCCEEDED);
        assertThat(done.published()).isTrue();
        assertThat(broker.published()).extracting(JobEnvelope::jobId).containsExactly(job.id());
    }

    @Test
    void failedPublicationIsTriedAgainWhenTheTimerFiresAgain() {
        startWorker("w1");
        broker.refusePublications(true);
        Job job = aJob("demo.echo").createIn(store, clock);
        clock.advance(TestJobs.PUBLISH_GRACE.plusSeconds(1));
        await().atMost(WAIT).until(() -> broker.refused() >= 1);

        broker.refusePublications(false);
        clock.advance(TestJobs.PUBLISH_GRACE.plusSeconds(1));

        awaitState(job.id(), JobState.SUCCEEDED);
    }

    @Test
    void delayedJobIsQueuedAndRunWhenItBecomesDue() {
        startWorker("w1");
        Job job = aJob("demo.echo").scheduleIn(store, clock, clock.instant().plusSeconds(60));

        clock.advance(Duration.ofSeconds(61));

        assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
    }

    @Test
    void jobOfAWorkerThatDiedRunsAgainOnAnotherWorkerAfterItsLeaseExpires() throws Exception {
        Worker doomed = startWorker("doomed");
        String id = aJob(GateHandler.TYPE).maxAttempts(3).submitTo(store, broker.publisher(), clock);
        awaitState(id, JobState.RUNNING);
        doomed.kill();
        startWorker("survivor");

        clock.advance(Duration.ofSeconds(3));

        await().atMost(WAIT).until(() -> gate.started() == 2);
        gate.open();
        Job done = awaitState(id, JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(meters.counter("offload.jobs.retried", "type", GateHandler.TYPE)
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void outcomeOfAnAttemptThatIsNoLongerOursIsDiscarded() throws Exception {
        startWorker("w1");
        String id = aJob(GateHandler.TYPE).maxAttempts(3).submitTo(store, broker.publisher(), clock);
        Job running = awaitState(id, JobState.RUNNING);
        // Another scheduler decided the lease expired and the job waits for its next attempt.
        Job retrying = running.retryAt(
                new JobError("lease.expired", "test"),
                clock.instant(),
                clock.instant().plusSeconds(3600));
        store.compareAndSet(running, retrying).orElseThrow();

        gate.open();

        await().atMost(WAIT).until(() -> broker.acknowledged() == 1);
        Job after = store.find(id).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.RETRYING);
        assertThat(after.result()).isNull();
        assertThat(meters.counter("offload.jobs.succeeded", "type", GateHandler.TYPE)
                        .count())
                .isZero();
    }

    @Test
    void jobOfAnUnknownTypeFailsWithoutRetry() throws Exception {
        startWorker("w1");

        String id = aJob("no.such.type").maxAttempts(3).submitTo(store, broker.publisher(), clock);

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.error().type()).isEqualTo("handler.missing");
        assertThat(failed.error().message()).isEqualTo("no handler for job type 'no.such.type' on worker w1");
    }

    @Test
    void gracefulStopLetsRunningJobsFinish() throws Exception {
        Worker worker = startWorker("w1");
        String id = aJob("demo.sleep").payload("{\"ms\":400}").submitTo(store, broker.publisher(), clock);
        awaitState(id, JobState.RUNNING);

        worker.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(state(id)).isEqualTo(JobState.SUCCEEDED);
        assertThat(broker.acknowledged()).isEqualTo(1);
    }

    @Test
    void stopInterruptsJobsStillRunningAfterTheGraceWithoutRecordingAnOutcome() throws Exception {
        Worker worker = startWorker("w1");
        String id = aJob(GateHandler.TYPE).submitTo(store, broker.publisher(), clock);
        awaitState(id, JobState.RUNNING);

        worker.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> gate.interrupted() == 1);
        assertThat(state(id)).isEqualTo(JobState.RUNNING);
        assertThat(broker.acknowledged()).isZero();
    }

    @Test
    void inFlightGaugeCountsRunningJobs() throws Exception {
        startWorker("w1");

        aJob(GateHandler.TYPE).submitTo(store, broker.publisher(), clock);

        await().atMost(WAIT)
                .until(() -> meters.get("offload.worker.in.flight").gauge().value() == 1.0);
        gate.open();
        await().atMost(WAIT)
                .until(() -> meters.get("offload.worker.in.flight").gauge().value() == 0.0);
    }

    private Worker startWorker(String id) {
        WorkerConfig config = new WorkerConfig(
                id,
                8,
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                Duration.ZERO,
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                TestJobs.PUBLISH_GRACE);
        HandlerRegistry handlers =
                HandlerRegistry.builder().loadServices().register(gate).build();
        Worker worker = Worker.create(config, store, broker.publisher(), broker.consumer(), handlers, clock, meters);
        workers.add(worker);
        worker.start().toCompletionStage().toCompletableFuture().join();
        return worker;
    }

    /** What the gateway's DELETE does: a compare-and-set, retried while heartbeats and progress move the version. */
    private void requestCancel(String id) {
        await().atMost(WAIT).until(() -> {
            Job job = store.find(id).orElseThrow();
            return store.compareAndSet(job, job.cancel(clock.instant())).isPresent();
        });
    }

    private Job awaitState(String id, JobState expected) {
        await().atMost(WAIT).until(() -> state(id) == expected);
        return store.find(id).orElseThrow();
    }

    private JobState state(String id) {
        return store.find(id).map(Job::state).orElse(null);
    }
}
