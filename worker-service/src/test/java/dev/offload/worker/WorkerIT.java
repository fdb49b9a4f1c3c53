package dev.offload.worker;

import static dev.offload.worker.TestJobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.model.Job;
import dev.offload.model.JobState;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.RedisStoreConfig;
import dev.offload.testing.KafkaFixture;
import dev.offload.testing.RedisFixture;
import dev.offload.transport.JobTransport;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.PriorityWeights;
import dev.offload.transport.Transports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker end to end with a real Redis store ({@link RedisFixture}) and real Kafka ({@link KafkaFixture}); each
 * test has its own key prefix, topic prefix and consumer group.
 */
class WorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Clock CLOCK = Clock.systemUTC();
    private static final List<String> QUEUES = List.of("default");

    private static Vertx vertx;

    private final List<Worker> workers = new ArrayList<>();
    private final GateHandler gate = new GateHandler();
    private final CountingHandler counting = new CountingHandler();
    private final Map<String, AtomicInteger> terminalWrites = CountingJobStore.newTally();
    private JobStore redis;
    private JobStore store;
    private JobTransport transport;
    private String groupId;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private String keyPrefix;

    @BeforeEach
    void connect() throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        redis = JobStores.redis(new RedisStoreConfig(
                URI.create(RedisFixture.uri()), 32, Duration.ofSeconds(2), "offload-worker-it-" + unique));
        keyPrefix = "offload-worker-it-" + unique;
        store = new CountingJobStore(redis, terminalWrites);
        groupId = "worker-it-" + unique;
        KafkaTransportConfig kafka = new KafkaTransportConfig(
                KafkaFixture.bootstrapServers(),
                "worker-it-" + unique + ".",
                4,
                1,
                Duration.ofSeconds(10),
                groupId,
                QUEUES,
                List.of(),
                PriorityWeights.defaults());
        transport = Transports.kafka(vertx, kafka);
        transport.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws Exception {
        for (Worker worker : workers) {
            worker.kill().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        transport.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        redis.close();
        RedisFixture.deleteKeys(keyPrefix);
    }

    @Test
    void publishedJobsSucceedWithTheirResults() throws Exception {
        startWorker("w1", config("w1"));

        String echo = submit(aJob("demo.echo").payload("{\"greeting\":\"hello\"}"));
        String sleep = submit(aJob("demo.sleep").payload("{\"ms\":200}"));

        assertThat(awaitState(echo, JobState.SUCCEEDED)
                        .result()
                        .path("greeting")
                        .asText())
                .isEqualTo("hello");
        assertThat(awaitState(sleep, JobState.SUCCEEDED)
                        .result()
                        .path("sleptMs")
                        .asLong())
                .isEqualTo(200);
    }

    @Test
    void progressOfARunningJobIsVisible() throws Exception {
        startWorker("w1", config("w1"));

        String id = submit(aJob("demo.sleep").payload("{\"ms\":4000}"));

        await().atMost(WAIT).untilAsserted(() -> {
            Job job = store.find(id).orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.RUNNING);
            assertThat(job.progress()).isNotNull();
            assertThat(job.progress().percent()).isBetween(1, 99);
            assertThat(job.progress().message()).startsWith("slept ");
        });
        Job finished = awaitState(id, JobState.SUCCEEDED);
        assertThat(finished.progress().percent()).isEqualTo(100);
        assertThat(finished.progress().message())
                .as("the last report, even if the throttle held it back")
                .isEqualTo("slept 4000 of 4000 ms");
    }

    @Test
    void failedAttemptIsRetriedAndThenSucceeds() throws Exception {
        startWorker("w1", config("w1"));

        String id = submit(aJob("demo.fail").payload("{\"failAttempts\":1}").maxAttempts(3));

        Job done = awaitState(id, JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.result().path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void permanentFailureFailsTheJobWithItsError() throws Exception {
        startWorker("w1", config("w1"));

        String id = submit(aJob("demo.fail")
                .payload("{\"message\":\"invalid invoice\",\"permanent\":true}")
                .maxAttempts(3));

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.error().type()).isEqualTo("handler.rejected");
        assertThat(failed.error().message()).isEqualTo("attempt 1 of 3 failed: invalid invoice");
    }

    @Test
    void attemptPastItsTimeoutFails() throws Exception {
        startWorker("w1", config("w1"));

        String id = submit(aJob("demo.sleep").payload("{\"ms\":60000}").timeout(Duration.ofMillis(500)));

        Job failed = awaitState(id, JobState.FAILED);
        assertThat(failed.error().type()).isEqualTo("timeout");
        assertThat(failed.error().message()).isEqualTo("attempt 1 of 1 timed out after 500ms");
    }

    @Test
    void cancellingARunningJobCancelsItPromptlyAndInterruptsTheHandler() throws Exception {
        startWorker("w1", config("w1"));
        String id = submit(aJob(GateHandler.TYPE));
        awaitState(id, JobState.RUNNING);

        requestCancel(id);

        await().atMost(Duration.ofSeconds(2)).until(() -> state(id) == JobState.CANCELLED);
        await().atMost(WAIT).until(() -> gate.interrupted() == 1);
    }

    @Test
    void twoWorkersRunTwoHundredJobsAndWriteEachOutcomeExactlyOnce() throws Exception {
        startWorker("w1", config("w1"));
        startWorker("w2", config("w2"));
        List<String> ids = new ArrayList<>();

        for (int i = 0; i < 200; i++) {
            ids.add(submit(aJob(CountingHandler.TYPE).payload("{\"n\":" + i + "}")));
        }

        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> state(id) == JobState.SUCCEEDED));
        assertThat(ids).allSatisfy(id -> {
            assertThat(terminalWrites.get(id)).as("terminal writes of %s", id).hasValue(1);
            assertThat(counting.invocations().get(id))
                    .as("handler invocations of %s", id)
                    .hasValue(1);
        });
        assertThat(terminalWrites).hasSize(200);
        assertThat(ids.stream().map(id -> store.find(id).orElseThrow().lease()).filter(l -> l != null))
                .isEmpty();
    }

    @Test
    void jobsOfAKilledWorkerSucceedOnAnotherWorkerAfterTheirLeasesExpire() throws Exception {
        Worker doomed = startWorker("doomed", config("doomed"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(aJob("demo.sleep").payload("{\"ms\":3000}").maxAttempts(3)));
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> state(id) == JobState.RUNNING));

        doomed.kill().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        startWorker("survivor", config("survivor"));

        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> state(id) == JobState.SUCCEEDED));
        assertThat(ids).allSatisfy(id -> {
            Job job = store.find(id).orElseThrow();
            assertThat(job.attempts()).isEqualTo(2);
            assertThat(terminalWrites.get(id)).hasValue(1);
        });
    }

    @Test
    void queuedJobThatNobodyPublishedIsPublishedByTheSchedulerAndRuns() throws Exception {
        startWorker("w1", config("w1"));

        Job job = aJob("demo.echo").payload("{\"orphan\":true}").createIn(store, CLOCK, Duration.ofSeconds(1));

        Job done = awaitState(job.id(), JobState.SUCCEEDED);
        assertThat(done.published()).isTrue();
        assertThat(done.result().path("orphan").asBoolean()).isTrue();
    }

    private WorkerConfig config(String id) {
        return new WorkerConfig(
                id,
                16,
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                Duration.ofMillis(200),
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    private Worker startWorker(String id, WorkerConfig config) throws Exception {
        HandlerRegistry handlers = HandlerRegistry.builder()
                .loadServices()
                .register(gate)
                .register(counting)
                .build();
        Worker worker = Worker.create(
                config,
                store,
                transport.publisher(),
                transport.consumer(config.consumerOptions(QUEUES, groupId)),
                handlers,
                CLOCK,
                new SimpleMeterRegistry());
        workers.add(worker);
        worker.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return worker;
    }

    private String submit(TestJobs job) throws Exception {
        return job.submitTo(store, transport.publisher(), CLOCK);
    }

    /** What the gateway's DELETE does: a compare-and-set, retried while heartbeats and progress move the version. */
    private void requestCancel(String id) {
        await().atMost(WAIT).until(() -> {
            Job job = store.find(id).orElseThrow();
            Optional<Job> written = store.compareAndSet(job, job.cancel(CLOCK.instant()));
            return written.isPresent();
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
