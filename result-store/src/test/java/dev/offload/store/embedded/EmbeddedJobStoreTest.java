package dev.offload.store.embedded;

import static dev.offload.store.Jobs.aQueuedJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.store.JobStoreContract;
import dev.offload.store.JobStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded MVStore file, in a fresh directory per test. */
class EmbeddedJobStoreTest extends JobStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected JobStore openStore() {
        return JobStores.embedded(new EmbeddedStoreConfig(dataDir));
    }

    @Test
    void jobsSurviveClosingAndReopening() {
        Job job = created(aQueuedJob().build());
        Job running = written(job, job.markPublished(now()).claim("w", now(), Duration.ofSeconds(30)));
        Job succeeded = written(running, running.succeed(JsonNodeFactory.instance.numberNode(42), now()));
        store.close();

        store = openStore();

        assertThat(store.find(job.id())).contains(succeeded);
        assertThat(store.list(job.tenant(), JobQuery.firstPage(10)).jobs()).containsExactly(succeeded);
    }

    @Test
    void timersSurviveClosingAndReopening() {
        Job job = created(aQueuedJob().build());
        store.close();

        store = openStore();

        assertThat(store.claimDue(job.dueAt(), 10, HOLD)).containsExactly(job.id());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(this::openStore)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--data-dir");
    }

    @Test
    void cleanupDeletesExpiredJobsAndTheirIndexes() {
        store.close();
        MovableClock clock = new MovableClock(Instant.now());
        EmbeddedJobStore embedded = new EmbeddedJobStore(dataDir, clock, Duration.ofHours(1));
        store = embedded;
        Job job = created(aQueuedJob()
                .idempotencyKey("k", "f")
                .retention(Duration.ofMinutes(1))
                .build());

        clock.now = clock.now.plus(Duration.ofMinutes(2));
        embedded.cleanUp();

        assertThat(store.find(job.id())).isEmpty();
        assertThat(store.claimDue(job.dueAt(), 10, HOLD)).isEmpty();
        assertThat(store.list(job.tenant(), JobQuery.firstPage(10)).jobs()).isEmpty();
    }

    /** A clock the test moves, so expiry is tested without waiting. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
