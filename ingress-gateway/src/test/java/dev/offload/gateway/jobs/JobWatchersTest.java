package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.JobState;
import dev.offload.model.Json;
import dev.offload.store.CreateResult;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-poll watches against the real embedded store's events. The test's own listener subscribes after the
 * watchers', and the store calls listeners in order on one thread, so an event the test has seen has reached the
 * watchers too.
 */
class JobWatchersTest {
    private static final Duration LONG = Duration.ofMinutes(1);

    private Vertx vertx;
    private JobStore store;
    private JobWatchers watchers;
    private final LinkedBlockingQueue<JobEvent> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void start(@TempDir Path dir) {
        vertx = Vertx.vertx();
        store = JobStores.embedded(new EmbeddedStoreConfig(dir));
        watchers = new JobWatchers(vertx, store, 10);
        store.subscribe(seen::add);
    }

    @AfterEach
    void stop() throws Exception {
        watchers.close();
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void changeBetweenTheReadAndTheConditionIsKeptAndWakesTheWatch() throws Exception {
        Job queued = create();
        JobWatchers.Watch watch = watchers.watch(queued.id(), LONG);
        Job read = store.find(queued.id()).orElseThrow(); // the long-poll's read: still queued
        Job running = claim(read);
        awaitSeen(running);

        Future<JobEvent> woken = watch.until(e -> e.version() > read.version() && e.state() != read.state());

        JobEvent event = result(woken);
        assertThat(event.state()).isEqualTo(JobState.RUNNING);
        assertThat(event.version()).isEqualTo(running.version());
        assertThat(watchers.size()).isZero();
    }

    @Test
    void keptEventsThatTheReadAlreadyShowedDoNotWakeTheWatchButALaterChangeDoes() throws Exception {
        Job queued = create();
        JobWatchers.Watch forJob = watchers.watch(queued.id(), LONG);
        Job running = claim(queued);
        awaitSeen(running);
        Job read = store.find(queued.id()).orElseThrow(); // the read already shows the claim

        Future<JobEvent> woken = forJob.until(e -> e.version() > read.version() && e.state() != read.state());
        assertThat(woken.isComplete()).isFalse();

        Job succeeded = store.compareAndSet(read, read.succeed(Json.MAPPER.createObjectNode(), Instant.now()))
                .orElseThrow();
        assertThat(result(woken).version()).isEqualTo(succeeded.version());
    }

    @Test
    void aWatchCancelledBeforeItsConditionFreesItsPlace() throws Exception {
        JobWatchers.Watch watch = watchers.watch(JobId.next(Instant.now()), LONG);
        assertThat(watchers.size()).isEqualTo(1);

        watch.cancel();

        assertThat(result(watch.future())).isNull();
        assertThat(watchers.size()).isZero();
    }

    @Test
    void onlyTheLastEventsAreKeptBeforeTheCondition() throws Exception {
        Job queued = create();
        JobWatchers.Watch watch = watchers.watch(queued.id(), LONG);
        Job claimed = claim(queued);
        Job job = claimed;
        for (int i = 0; i < JobWatchers.EARLY_EVENTS; i++) {
            job = store.compareAndSet(job, job.renewLease(Instant.now(), LONG)).orElseThrow();
        }
        awaitSeen(job);

        // The claim's event was pushed out by the heartbeats' that followed it; theirs are still kept.
        Future<JobEvent> claimSeen = watch.until(e -> e.version() == claimed.version());
        assertThat(claimSeen.isComplete()).isFalse();
        watch.cancel();
        assertThat(result(claimSeen)).isNull();

        JobWatchers.Watch again = watchers.watch(queued.id(), LONG);
        Job last = job;
        Job renewed =
                store.compareAndSet(last, last.renewLease(Instant.now(), LONG)).orElseThrow();
        awaitSeen(renewed);
        assertThat(result(again.until(e -> e.version() == renewed.version())).version())
                .isEqualTo(renewed.version());
    }

    private Job create() {
        return ((CreateResult.Created) store.create(SampleJobs.queued(), Duration.ofHours(1))).job();
    }

    private Job claim(Job queued) {
        return store.compareAndSet(queued, queued.claim("w1", Instant.now(), LONG))
                .orElseThrow();
    }

    /** Waits until the store's event for {@code job}'s version has reached the listeners. */
    private void awaitSeen(Job job) throws InterruptedException {
        while (true) {
            JobEvent event = seen.poll(10, TimeUnit.SECONDS);
            assertThat(event)
                    .as("the store's event for version %d", job.version())
                    .isNotNull();
            if (event.jobId().equals(job.id()) && event.version() == job.version()) {
                return;
            }
        }
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
