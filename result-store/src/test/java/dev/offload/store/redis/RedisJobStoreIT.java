package dev.offload.store.redis;

import static dev.offload.store.Jobs.aQueuedJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobError;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.Progress;
import dev.offload.store.BatchResult;
import dev.offload.store.CreateResult;
import dev.offload.store.JobStore;
import dev.offload.store.JobStoreContract;
import dev.offload.store.JobStores;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.testing.RedisFixture;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The store contract on a real Redis ({@link RedisFixture}); every test gets its own key prefix. */
class RedisJobStoreIT extends JobStoreContract {
    private static final String RUN_PREFIX =
            "offload-test-" + UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger TESTS = new AtomicInteger();

    private String prefix;

    @Override
    protected JobStore openStore() {
        prefix = RUN_PREFIX + "-" + TESTS.incrementAndGet();
        return JobStores.redis(config(prefix));
    }

    private static RedisStoreConfig config(String keyPrefix) {
        return new RedisStoreConfig(URI.create(RedisFixture.uri()), 16, Duration.ofSeconds(2), keyPrefix);
    }

    @AfterAll
    static void deleteTheKeysOfThisRun() {
        RedisFixture.deleteKeys(RUN_PREFIX);
    }

    @Test
    @SuppressWarnings("try") // the subscription is only held open, never read
    void subscriberOfAnotherStoreInstanceSeesTheWrites() {
        ConcurrentLinkedQueue<JobEvent> events = new ConcurrentLinkedQueue<>();
        try (JobStore other = JobStores.redis(config(prefix));
                JobStore.Subscription ignored = other.subscribe(events::add)) {

            Job job = created(aQueuedJob().build());
            Job published = written(job, job.markPublished(now()));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(events).extracting(JobEvent::jobId).contains(job.id()));
            assertThat(other.find(job.id())).contains(published);
        }
    }

    @Test
    void storesWithAnotherPrefixDoNotSeeTheJobs() {
        Job job = created(aQueuedJob().build());

        try (JobStore other = JobStores.redis(config(prefix + "-other"))) {
            assertThat(other.find(job.id())).isEmpty();
        }
    }

    @Test
    void aTenantIndexLivesAsLongAsTheLongestLivingJobOfABatch() {
        Job shortLived =
                aQueuedJob().tenant("expiry").retention(Duration.ofHours(1)).build();
        int shard = JobId.shardOf(shortLived.id());
        Job longLived = aQueuedJob()
                .tenant("expiry")
                .inShard(shard)
                .retention(Duration.ofDays(3))
                .build();
        Job between = aQueuedJob()
                .tenant("expiry")
                .inShard(shard)
                .retention(Duration.ofDays(1))
                .build();

        store.createAll(List.of(
                new JobStore.Creation(shortLived, DAY),
                new JobStore.Creation(longLived, DAY),
                new JobStore.Creation(between, DAY)));
        Job later = aQueuedJob()
                .tenant("expiry")
                .inShard(shard)
                .retention(Duration.ofHours(2))
                .build();
        created(later); // a shorter-lived job later does not shorten the index's life

        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            assertThat(redis.pexpireTime(new RedisKeys(prefix).tenantIndex(shard, "expiry")))
                    .isEqualTo(longLived.expiresAt().toEpochMilli());
        }
    }

    @Test
    void unreachableRedisFailsFastAsStoreUnavailable() {
        RedisStoreConfig nowhere =
                new RedisStoreConfig(URI.create("redis://127.0.0.1:1"), 2, Duration.ofMillis(500), prefix);
        try (JobStore unreachable = JobStores.redis(nowhere)) {
            assertThatThrownBy(unreachable::ping).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> unreachable.find(aQueuedJob().build().id()))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1");
            assertThatThrownBy(() -> unreachable.create(aQueuedJob().build(), DAY))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> unreachable.createAll(
                            List.of(new JobStore.Creation(aQueuedJob().build(), DAY))))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void batchedWritesLoadTheScriptsAgainAfterRedisForgotThem() {
        Job job = created(aQueuedJob().build());
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            redis.scriptFlush();
        }
        Job another = aQueuedJob().build();

        List<BatchResult<CreateResult>> created = store.createAll(List.of(new JobStore.Creation(another, DAY)));
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            redis.scriptFlush();
        }
        List<BatchResult<Optional<Job>>> changed =
                store.compareAndSetAll(List.of(new JobStore.Change(job, job.markPublished(now()))));

        assertThat(created.get(0).get()).isEqualTo(new CreateResult.Created(another.withVersion(1)));
        assertThat(changed.get(0).get())
                .hasValueSatisfying(j -> assertThat(j.version()).isEqualTo(2));
    }

    @Test
    void scriptsAreLoadedAgainAfterRedisForgotThem() {
        Job job = created(aQueuedJob().build());
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            redis.scriptFlush();
        }

        Job published = written(job, job.markPublished(now()));

        assertThat(store.claimDue(now().plus(DAY), 10, HOLD)).isEmpty();
        assertThat(store.find(job.id())).contains(published);
        assertThat(List.of(published.version())).containsExactly(2L);
    }

    @Test
    void aFinishedJobOfATenantWithoutEndpointsOrCallbackWritesNoWebhookEvent() {
        Job queued = created(aQueuedJob().tenant("quiet").build());
        Job running = written(queued, queued.claim("w", now(), DAY));

        written(running, running.succeed(JsonNodeFactory.instance.objectNode(), now()));

        assertThat(outboxEntries()).isZero();
    }

    @Test
    void theTerminalTransitionWritesTheWebhookEventAtomicallyWhenTheJobHasACallback() {
        Job queued =
                created(aQueuedJob().callbackUrl("https://client.example/cb").build());
        Job running = written(queued, queued.claim("w", now(), DAY));

        written(running, running.succeed(JsonNodeFactory.instance.objectNode(), now()));

        assertThat(outboxEntries()).isEqualTo(1);
    }

    @Test
    void aTenantMarkerMakesItsJobsEventsGoToTheOutboxAndProgressIsCoalesced() {
        Job queued = created(aQueuedJob().tenant("hooked").build());
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            redis.set(new WebhookOutbox(prefix).tenantMarker(JobId.shardOf(queued.id()), "hooked"), "1");
        }
        Job running = written(queued, queued.claim("w", now(), DAY));

        for (int percent = 1; percent <= 3; percent++) {
            running = written(running, running.reportProgress(new Progress(percent, "step"), now()));
        }
        written(running, running.fail(new JobError("boom", "it broke"), now()));

        assertThat(outboxEntries()).isEqualTo(2); // one coalesced job.progress, one job.retrying or job.failed
    }

    private long outboxEntries() {
        WebhookOutbox outbox = new WebhookOutbox(prefix);
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            long entries = 0;
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                entries += redis.xlen(outbox.stream(shard));
            }
            return entries;
        }
    }
}
