package dev.offload.store;

import static dev.offload.store.Jobs.aQueuedJob;
import static dev.offload.store.Jobs.aScheduledJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobError;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.JobState;
import dev.offload.model.Progress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobStore} must have. Each implementation runs it through a subclass that says how to
 * open a store on fresh, empty storage.
 */
public abstract class JobStoreContract {
    protected static final Duration DAY = Duration.ofDays(1);
    protected static final Duration HOLD = Duration.ofSeconds(30);

    protected JobStore store;

    /** A store on empty storage, private to the current test. */
    protected abstract JobStore openStore();

    @BeforeEach
    void openTheStore() {
        store = openStore();
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    protected Job created(Job job) {
        CreateResult result = store.create(job, DAY);
        assertThat(result).isInstanceOf(CreateResult.Created.class);
        return ((CreateResult.Created) result).job();
    }

    protected Job written(Job current, Job next) {
        return store.compareAndSet(current, next).orElseThrow();
    }

    protected static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---- create and find ----------------------------------------------------------------------------------------

    @Test
    void createdJobIsFoundWithAllItsFields() {
        Job job = aQueuedJob()
                .payload(JsonNodeFactory.instance
                        .objectNode()
                        .put("report", "q3")
                        .put("rows", 12))
                .metadata(Map.of("customer", "acme", "region", "eu"))
                .callbackUrl("https://example.com/hook")
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .idempotencyKey("order-42", "sha256:abc")
                .build();

        Job stored = created(job);

        assertThat(store.find(job.id())).contains(stored);
        assertThat(stored).isEqualTo(job.withVersion(1));
    }

    @Test
    void everyFieldOfARunningAndFinishedJobSurvivesTheRoundTrip() {
        Job job = created(aQueuedJob().build());
        Instant now = now();
        Job running = written(job, job.markPublished(now).claim("worker-1", now, Duration.ofSeconds(30)));
        Job progressing = written(running, running.reportProgress(new Progress(40, "halfway"), now));

        Job failed = written(
                progressing, progressing.retryAt(new JobError("handler.failed", "boom"), now, now.plusSeconds(5)));

        assertThat(store.find(job.id())).contains(failed);
        assertThat(failed.error()).isEqualTo(new JobError("handler.failed", "boom"));
        assertThat(failed.progress()).isEqualTo(new Progress(40, "halfway"));
    }

    @Test
    void findOfAnUnknownIdIsEmpty() {
        assertThat(store.find(JobId.next(Instant.now()))).isEmpty();
        assertThat(store.find("not-a-job-id")).isEmpty();
    }

    @Test
    void creatingTheSameJobTwiceWithoutAKeyIsRefused() {
        Job job = created(aQueuedJob().build());

        assertThatThrownBy(() -> store.create(job, DAY)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void jobWithAnIdempotencyKeyMustLiveInTheShardOfItsKey() {
        Job keyed = aQueuedJob().idempotencyKey("k-1", "f").build();
        int otherShard = (JobId.shardOf(keyed.id()) + 1) % JobId.SHARDS;
        Job misplaced = new Job(
                JobId.next(Instant.now(), otherShard),
                keyed.tenant(),
                keyed.spec(),
                keyed.state(),
                0,
                keyed.createdAt(),
                keyed.updatedAt(),
                null,
                null,
                keyed.dueAt(),
                null,
                null,
                null,
                null,
                false,
                false,
                1);

        assertThatThrownBy(() -> store.create(misplaced, DAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JobId.shardFor");
    }

    // ---- versions and compare-and-set ---------------------------------------------------------------------------

    @Test
    void versionStartsAtOneAndGrowsByOneOnEveryWrite() {
        Job job = created(aQueuedJob().build());
        Job published = written(job, job.markPublished(now()));
        Job running = written(published, published.claim("w", now(), Duration.ofSeconds(30)));

        assertThat(List.of(job.version(), published.version(), running.version()))
                .containsExactly(1L, 2L, 3L);
        assertThat(store.find(job.id()).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void staleCompareAndSetFailsAndLeavesTheRecordUnchanged() {
        Job job = created(aQueuedJob().build());
        Job published = written(job, job.markPublished(now()));

        Optional<Job> stale = store.compareAndSet(job, job.cancel(now()));

        assertThat(stale).isEmpty();
        assertThat(store.find(job.id())).contains(published);
    }

    @Test
    void compareAndSetOfAVanishedJobFails() {
        Job neverStored = aQueuedJob().build();

        assertThat(store.compareAndSet(neverStored, neverStored.markPublished(now())))
                .isEmpty();
    }

    @Test
    void ofEightConcurrentWritersFromTheSameVersionExactlyOneWins() throws Exception {
        Job job = created(aQueuedJob().build());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Job>>> outcomes = new ArrayList<>();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                String worker = "worker-" + i;
                outcomes.add(threads.submit(() -> {
                    start.await();
                    return store.compareAndSet(job, job.claim(worker, now(), Duration.ofSeconds(30)));
                }));
            }
            start.countDown();
        }

        List<Job> winners = new ArrayList<>();
        for (Future<Optional<Job>> outcome : outcomes) {
            outcome.get().ifPresent(winners::add);
        }
        assertThat(winners).hasSize(1);
        assertThat(store.find(job.id())).contains(winners.get(0));
    }

    // ---- batched writes -------------------------------------------------------------------------------------------

    @Test
    void createAllStoresEachJobAndAnswersInOrderAsSingleCreatesWould() {
        Job plain = aQueuedJob().build();
        Job keyed = aQueuedJob().idempotencyKey("batch-1", "f1").build();
        Job sameKey = aQueuedJob()
                .tenant(keyed.tenant())
                .idempotencyKey("batch-1", "f2")
                .build();
        Job scheduled = aScheduledJob(now().plusSeconds(60)).build();

        List<BatchResult<CreateResult>> results = store.createAll(List.of(
                new JobStore.Creation(plain, DAY),
                new JobStore.Creation(keyed, DAY),
                new JobStore.Creation(sameKey, DAY),
                new JobStore.Creation(scheduled, DAY)));

        assertThat(results).hasSize(4);
        assertThat(results.get(0).get()).isEqualTo(new CreateResult.Created(plain.withVersion(1)));
        assertThat(results.get(1).get()).isEqualTo(new CreateResult.Created(keyed.withVersion(1)));
        // Within one batch the items still apply one after the other: the second use of the key is a duplicate.
        assertThat(results.get(2).get()).isEqualTo(new CreateResult.Duplicate(keyed.withVersion(1)));
        assertThat(results.get(3).get()).isEqualTo(new CreateResult.Created(scheduled.withVersion(1)));
        assertThat(store.find(plain.id())).contains(plain.withVersion(1));
        assertThat(store.find(sameKey.id())).isEmpty();
    }

    @Test
    void anItemThatFailsInACreateAllFailsAloneAndItsNeighboursAreStored() {
        Job existing = created(aQueuedJob().build());
        Job before = aQueuedJob().build();
        Job after = aQueuedJob().build();

        List<BatchResult<CreateResult>> results = store.createAll(List.of(
                new JobStore.Creation(before, DAY),
                new JobStore.Creation(existing, DAY),
                new JobStore.Creation(after, DAY)));

        assertThat(results.get(0).get()).isInstanceOf(CreateResult.Created.class);
        assertThatThrownBy(() -> results.get(1).get()).isInstanceOf(IllegalStateException.class);
        assertThat(results.get(2).get()).isInstanceOf(CreateResult.Created.class);
        assertThat(store.find(after.id())).isPresent();
    }

    @Test
    void createAllOfJobsOfOneShardAnswersEachInOrder() {
        // Jobs of one shard go to the store together (on Redis one script call): each still gets its own answer.
        Job keyed = aQueuedJob().idempotencyKey("shard-batch", "f1").build();
        int shard = JobId.shardOf(keyed.id());
        Job existing = created(aQueuedJob().inShard(shard).build());
        Job plain = aQueuedJob().inShard(shard).build();
        Job sameKey = aQueuedJob()
                .tenant(keyed.tenant())
                .idempotencyKey("shard-batch", "f2")
                .build();
        Job scheduled = aScheduledJob(now().plusSeconds(60)).inShard(shard).build();

        List<BatchResult<CreateResult>> results = store.createAll(List.of(
                new JobStore.Creation(plain, DAY),
                new JobStore.Creation(keyed, DAY),
                new JobStore.Creation(existing, DAY),
                new JobStore.Creation(sameKey, DAY),
                new JobStore.Creation(scheduled, DAY)));

        assertThat(results.get(0).get()).isEqualTo(new CreateResult.Created(plain.withVersion(1)));
        assertThat(results.get(1).get()).isEqualTo(new CreateResult.Created(keyed.withVersion(1)));
        assertThatThrownBy(() -> results.get(2).get()).isInstanceOf(IllegalStateException.class);
        assertThat(results.get(3).get()).isEqualTo(new CreateResult.Duplicate(keyed.withVersion(1)));
        assertThat(results.get(4).get()).isEqualTo(new CreateResult.Created(scheduled.withVersion(1)));
        assertThat(store.find(plain.id())).contains(plain.withVersion(1));
        assertThat(store.find(scheduled.id())).contains(scheduled.withVersion(1));
    }

    @Test
    void duplicatesOfSeveralKeysInOneShardEachGetTheJobOfTheirOwnKey() {
        // On Redis one script call answers them all, with the duplicates' documents after a status per job.
        Job first = created(aQueuedJob().idempotencyKey("shard-dup-0", "f").build());
        int shard = JobId.shardOf(first.id());
        String otherKey = IntStream.range(1, 10_000)
                .mapToObj(i -> "shard-dup-" + i)
                .filter(key -> JobId.shardFor(first.tenant(), key) == shard)
                .findFirst()
                .orElseThrow();
        Job second = created(aQueuedJob()
                .tenant(first.tenant())
                .idempotencyKey(otherKey, "f")
                .build());
        Job plain = aQueuedJob().inShard(shard).build();

        List<BatchResult<CreateResult>> results = store.createAll(List.of(
                new JobStore.Creation(
                        aQueuedJob()
                                .tenant(first.tenant())
                                .idempotencyKey(otherKey, "f")
                                .build(),
                        DAY),
                new JobStore.Creation(plain, DAY),
                new JobStore.Creation(
                        aQueuedJob()
                                .tenant(first.tenant())
                                .idempotencyKey("shard-dup-0", "f")
                                .build(),
                        DAY)));

        assertThat(results.get(0).get()).isEqualTo(new CreateResult.Duplicate(second));
        assertThat(results.get(1).get()).isEqualTo(new CreateResult.Created(plain.withVersion(1)));
        assertThat(results.get(2).get()).isEqualTo(new CreateResult.Duplicate(first));
    }

    @Test
    void compareAndSetAllWritesTheCurrentVersionsAndRefusesTheStaleOne() {
        Job first = created(aQueuedJob().build());
        Job second = created(aQueuedJob().build());
        Job secondPublished = written(second, second.markPublished(now()));

        List<BatchResult<Optional<Job>>> results = store.compareAndSetAll(List.of(
                new JobStore.Change(first, first.markPublished(now())),
                new JobStore.Change(second, second.cancel(now()))));

        assertThat(results.get(0).get()).hasValueSatisfying(job -> {
            assertThat(job.version()).isEqualTo(2);
            assertThat(job.published()).isTrue();
        });
        assertThat(results.get(1).get()).isEmpty();
        assertThat(store.find(first.id())).isEqualTo(results.get(0).get());
        assertThat(store.find(second.id())).contains(secondPublished);
    }

    // ---- idempotency ---------------------------------------------------------------------------------------------

    @Test
    void secondCreateWithTheSameIdempotencyKeyReturnsTheFirstJobAndWritesNothing() {
        Job first = created(aQueuedJob().idempotencyKey("order-7", "f1").build());
        Job second = aQueuedJob()
                .tenant(first.tenant())
                .idempotencyKey("order-7", "f2")
                .build();

        CreateResult result = store.create(second, DAY);

        assertThat(result).isEqualTo(new CreateResult.Duplicate(first));
        assertThat(store.find(second.id())).isEmpty();
        assertThat(store.list(first.tenant(), JobQuery.firstPage(10)).jobs()).containsExactly(first);
    }

    @Test
    void theSameIdempotencyKeyOfAnotherTenantIsIndependent() {
        Job first = created(aQueuedJob().idempotencyKey("order-7", "f").build());

        CreateResult other =
                store.create(aQueuedJob().idempotencyKey("order-7", "f").build(), DAY);

        assertThat(other).isInstanceOf(CreateResult.Created.class);
        assertThat(store.find(first.id())).isPresent();
    }

    @Test
    void idempotencyKeyCanBeUsedAgainOnceItExpired() {
        Job first = aQueuedJob().idempotencyKey("short-lived", "f").build();
        assertThat(store.create(first, Duration.ofSeconds(1))).isInstanceOf(CreateResult.Created.class);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Job again = aQueuedJob()
                    .tenant(first.tenant())
                    .idempotencyKey("short-lived", "f")
                    .build();
            assertThat(store.create(again, DAY)).isInstanceOf(CreateResult.Created.class);
        });
    }

    @Test
    void idempotencyKeyWhoseJobExpiredIsTakenOver() {
        Job first = created(aQueuedJob()
                .idempotencyKey("k", "f")
                .retention(Duration.ofSeconds(1))
                .build());
        await().atMost(Duration.ofSeconds(15))
                .until(() -> store.find(first.id()).isEmpty());

        Job second =
                aQueuedJob().tenant(first.tenant()).idempotencyKey("k", "f").build();

        assertThat(store.create(second, DAY)).isInstanceOf(CreateResult.Created.class);
    }

    // ---- unfinished jobs per tenant -------------------------------------------------------------------------------

    @Test
    void everyCreatedJobCountsAsUnfinishedUntilItFinishes() {
        Job queued = created(aQueuedJob().build());
        Job scheduled = created(
                aScheduledJob(now().plusSeconds(60)).tenant(queued.tenant()).build());
        Instant now = now();
        Job running = written(queued, queued.markPublished(now).claim("worker-1", now, Duration.ofSeconds(30)));
        Job retrying = written(running, running.retryAt(new JobError("x", "y"), now, now.plusSeconds(5)));

        assertThat(store.unfinished(queued.tenant())).isEqualTo(2);

        Job requeued = written(retrying, retrying.requeue(now, Duration.ofSeconds(30)));
        Job again = written(requeued, requeued.markPublished(now).claim("worker-2", now, Duration.ofSeconds(30)));
        written(again, again.fail(new JobError("x", "y"), now));
        written(scheduled, scheduled.cancel(now));

        assertThat(store.unfinished(queued.tenant())).isZero();
        assertThat(store.unfinished("tenant-without-jobs")).isZero();
    }

    @Test
    void idempotentDuplicateAndLostCompareAndSetDoNotChangeTheUnfinishedCount() {
        Job first = created(aQueuedJob().idempotencyKey("order-9", "f").build());
        store.create(
                aQueuedJob()
                        .tenant(first.tenant())
                        .idempotencyKey("order-9", "f")
                        .build(),
                DAY);
        Job cancelled = written(first, first.cancel(now()));

        assertThat(store.compareAndSet(first, first.cancel(now()))).isEmpty(); // a second, stale finish
        assertThat(store.unfinished(first.tenant())).isZero();
        assertThat(cancelled.state().isTerminal()).isTrue();
    }

    @Test
    void abandonedJobNoLongerCountsAsUnfinished() {
        Job job = created(aQueuedJob().build());
        Job other = created(aQueuedJob().tenant(job.tenant()).build());

        store.abandon(job);

        assertThat(store.unfinished(job.tenant())).isEqualTo(1);
        assertThat(other.tenant()).isEqualTo(job.tenant());
    }

    // ---- abandon ------------------------------------------------------------------------------------------------

    @Test
    void abandonDeletesTheUnpublishedJobWithItsIndexesAndKey() {
        Job job = created(aQueuedJob()
                .idempotencyKey("k", "f")
                .publishGrace(Duration.ZERO)
                .build());

        boolean abandoned = store.abandon(job);

        assertThat(abandoned).isTrue();
        assertThat(store.find(job.id())).isEmpty();
        assertThat(store.list(job.tenant(), JobQuery.firstPage(10)).jobs()).isEmpty();
        assertThat(store.claimDue(now().plusSeconds(60), 100, HOLD)).doesNotContain(job.id());
        Job retry = aQueuedJob().tenant(job.tenant()).idempotencyKey("k", "f").build();
        assertThat(store.create(retry, DAY)).isInstanceOf(CreateResult.Created.class);
    }

    @Test
    void abandonDoesNothingWhenTheJobChanged() {
        Job job = created(aQueuedJob().build());
        Job cancelled = written(job, job.cancel(now()));

        assertThat(store.abandon(job)).isFalse();
        assertThat(store.find(job.id())).contains(cancelled);
    }

    @Test
    void abandonDoesNothingWhenTheJobWasPublished() {
        Job job = created(aQueuedJob().build());
        Job published = written(job, job.markPublished(now()));

        assertThat(store.abandon(published)).isFalse();
        assertThat(store.find(job.id())).contains(published);
    }

    // ---- timers -------------------------------------------------------------------------------------------------

    @Test
    void confirmPublishedAllOfJobsOfOneShardAnswersEachInOrder() {
        Job first = created(aQueuedJob().build());
        int shard = JobId.shardOf(first.id());
        Job claimed = created(aQueuedJob().inShard(shard).build());
        Job running = written(claimed, claimed.claim("w", now(), Duration.ofSeconds(30)));
        Job vanished = aQueuedJob().inShard(shard).build().withVersion(1);
        Job last = created(aQueuedJob().inShard(shard).build());

        List<BatchResult<Boolean>> results = store.confirmPublishedAll(List.of(first, claimed, vanished, last));

        assertThat(results).extracting(BatchResult::get).containsExactly(true, false, false, true);
        assertThat(store.claimDue(now().plus(DAY), 100, HOLD)).containsExactly(claimed.id());
        assertThat(running.lease()).isNotNull();
    }

    @Test
    void unpublishedQueuedJobIsDueAtItsDueAtAndHiddenForTheHoldOnceClaimed() {
        Job job = created(aQueuedJob().build());
        Instant dueAt = job.dueAt();

        assertThat(store.claimDue(dueAt.minusMillis(1), 10, HOLD)).isEmpty();
        assertThat(store.claimDue(dueAt, 10, HOLD)).containsExactly(job.id());
        assertThat(store.claimDue(dueAt.plus(HOLD).minusMillis(1), 10, HOLD)).isEmpty();
        assertThat(store.claimDue(dueAt.plus(HOLD), 10, HOLD)).containsExactly(job.id());
    }

    @Test
    void scheduledJobIsDueAtItsRunAt() {
        Instant runAt = now().plusSeconds(3600);
        Job job = created(aScheduledJob(runAt).build());

        assertThat(store.claimDue(runAt.minusSeconds(1), 10, HOLD)).isEmpty();
        assertThat(store.claimDue(runAt, 10, HOLD)).containsExactly(job.id());
    }

    @Test
    void publishedAndFinishedJobsHaveNoTimer() {
        Job queued = created(aQueuedJob().build());
        Job published = written(queued, queued.markPublished(now()));
        Job scheduled = created(aScheduledJob(now().plusSeconds(60)).build());
        written(scheduled, scheduled.cancel(now()));

        assertThat(store.claimDue(now().plus(DAY), 100, HOLD)).isEmpty();
        assertThat(published.deadline()).isNull();
    }

    @Test
    void confirmedPublicationDropsThePublishTimerWithoutRewritingTheJob() {
        Job job = created(aQueuedJob().build());

        assertThat(store.confirmPublished(job)).isTrue();

        assertThat(store.claimDue(now().plus(DAY), 100, HOLD)).isEmpty();
        assertThat(store.find(job.id())).contains(job);
    }

    @Test
    void confirmedPublicationLeavesTheTimerOfALaterWrite() {
        Job job = created(aQueuedJob().build());
        Job running = written(job, job.claim("w", now(), Duration.ofSeconds(30)));

        assertThat(store.confirmPublished(job)).isFalse();

        assertThat(store.claimDue(running.lease().expiresAt(), 10, HOLD)).containsExactly(job.id());
    }

    @Test
    void confirmedPublicationOfAVanishedJobChangesNothing() {
        Job neverStored = aQueuedJob().build().withVersion(1);

        assertThat(store.confirmPublished(neverStored)).isFalse();
        assertThat(store.find(neverStored.id())).isEmpty();
    }

    @Test
    void confirmPublishedAllAnswersEachJobInOrder() {
        Job first = created(aQueuedJob().build());
        Job second = created(aQueuedJob().build());
        written(second, second.claim("w", now(), Duration.ofSeconds(30)));

        List<BatchResult<Boolean>> results = store.confirmPublishedAll(List.of(first, second));

        assertThat(results).extracting(BatchResult::get).containsExactly(true, false);
        assertThat(store.claimDue(now().plus(DAY), 100, HOLD)).containsExactly(second.id());
    }

    @Test
    void aLargeBatchOfOneShardIndexesCountsAndConfirmsEveryJob() {
        // More jobs than the Redis scripts add to one sorted set per command (they send long lists in chunks).
        int count = 1_201;
        int shard = JobId.shardOf(aQueuedJob().build().id());
        List<JobStore.Creation> creations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            creations.add(new JobStore.Creation(
                    aQueuedJob().tenant("bulk").inShard(shard).build(), DAY));
        }

        List<BatchResult<CreateResult>> results = store.createAll(creations);
        assertThat(results).hasSize(count);

        List<Job> stored = new ArrayList<>();
        results.forEach(r -> stored.add(((CreateResult.Created) r.get()).job()));
        assertThat(store.unfinished("bulk")).isEqualTo(count);
        List<String> listed = new ArrayList<>();
        JobPage page = store.list("bulk", JobQuery.firstPage(JobQuery.MAX_LIMIT));
        page.jobs().forEach(j -> listed.add(j.id()));
        while (page.nextCursor() != null) {
            page = store.list("bulk", new JobQuery(null, null, null, JobQuery.MAX_LIMIT, page.nextCursor()));
            page.jobs().forEach(j -> listed.add(j.id()));
        }
        List<String> ids = stored.stream().map(Job::id).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
        // Every job got its publish timer (claiming moves a timer, not the job's version)...
        assertThat(store.claimDue(now().plus(DAY), 2 * count, HOLD)).containsExactlyInAnyOrderElementsOf(ids);
        // ...and confirming drops every one of them.
        assertThat(store.confirmPublishedAll(stored))
                .extracting(BatchResult::get)
                .hasSize(count)
                .containsOnly(true);
        assertThat(store.claimDue(now().plus(DAY).plus(DAY), 10, HOLD)).isEmpty();
    }

    @Test
    void runningJobIsDueWhenItsLeaseExpires() {
        Job job = created(aQueuedJob().build());
        Job running = written(job, job.markPublished(now()).claim("w", now(), Duration.ofSeconds(30)));
        Instant leaseEnd = running.lease().expiresAt();

        assertThat(store.claimDue(leaseEnd.minusMillis(1), 10, HOLD)).isEmpty();
        assertThat(store.claimDue(leaseEnd, 10, HOLD)).containsExactly(job.id());
    }

    @Test
    void claimDueReturnsAtMostTheLimitEarliestFirst() {
        Instant base = now().plusSeconds(3600);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(created(aScheduledJob(base.plusSeconds(i)).build()).id());
        }

        List<String> first = store.claimDue(base.plusSeconds(10), 3, HOLD);
        List<String> rest = store.claimDue(base.plusSeconds(10), 3, HOLD);

        assertThat(first).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
        assertThat(rest).containsExactlyInAnyOrderElementsOf(ids.subList(3, 5));
    }

    // ---- listing ------------------------------------------------------------------------------------------------

    @Test
    void listingPagesNewestFirstWithoutGapsOrDuplicates() {
        String tenant = "tenant-paging";
        Instant base = now().minusSeconds(3600);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            jobs.add(created(
                    aQueuedJob().tenant(tenant).createdAt(base.plusSeconds(i)).build()));
        }

        List<Job> seen = readAllPages(tenant, 10, null, null, List.of(10, 10, 5));

        assertThat(seen).containsExactlyElementsOf(jobs.reversed());
    }

    @Test
    void listingPagesJobsCreatedInTheSameMillisecondWithoutGapsOrDuplicates() {
        String tenant = "tenant-ties";
        Instant same = now().minusSeconds(60);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            jobs.add(created(aQueuedJob().tenant(tenant).createdAt(same).build()));
        }

        List<Job> seen = readAllPages(tenant, 4, null, null, null);

        assertThat(seen).hasSize(25).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jobs);
        assertThat(seen.stream().map(Job::id).toList())
                .isSortedAccordingTo(java.util.Comparator.<String>reverseOrder());
    }

    @Test
    void listingPagesManyJobsOfOneMillisecondInOneShard() {
        String tenant = "tenant-one-shard";
        Instant same = now().minusSeconds(60);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            jobs.add(created(
                    aQueuedJob().tenant(tenant).createdAt(same).inShard(3).build()));
        }
        jobs.add(created(aQueuedJob()
                .tenant(tenant)
                .createdAt(same.minusMillis(1))
                .inShard(3)
                .build()));

        List<Job> seen = readAllPages(tenant, 3, null, null, null);

        assertThat(seen).hasSize(26).doesNotHaveDuplicates().containsAll(jobs);
        assertThat(seen.get(25)).isEqualTo(jobs.get(25));
    }

    @Test
    void listingFiltersByStateTypeAndQueue() {
        String tenant = "tenant-filters";
        Job report =
                created(aQueuedJob().tenant(tenant).type("report").queue("slow").build());
        Job mail =
                created(aQueuedJob().tenant(tenant).type("mail").queue("fast").build());
        Job cancelledMail = written(mail, mail.cancel(now()));
        Job otherMail =
                created(aQueuedJob().tenant(tenant).type("mail").queue("fast").build());

        assertThat(store.list(tenant, new JobQuery(JobState.CANCELLED, null, null, 10, null))
                        .jobs())
                .containsExactly(cancelledMail);
        assertThat(store.list(tenant, new JobQuery(null, "mail", null, 10, null))
                        .jobs())
                .containsExactlyInAnyOrder(cancelledMail, otherMail);
        assertThat(store.list(tenant, new JobQuery(null, null, "slow", 10, null))
                        .jobs())
                .containsExactly(report);
        assertThat(store.list(tenant, new JobQuery(JobState.QUEUED, "mail", "fast", 10, null))
                        .jobs())
                .containsExactly(otherMail);
    }

    @Test
    void filteredListingPagesThroughSparseMatches() {
        String tenant = "tenant-sparse";
        Instant base = now().minusSeconds(3600);
        List<Job> reports = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Job job = created(aQueuedJob()
                    .tenant(tenant)
                    .type(i % 3 == 0 ? "report" : "mail")
                    .createdAt(base.plusSeconds(i))
                    .build());
            if (i % 3 == 0) {
                reports.add(job);
            }
        }

        List<Job> seen = readAllPages(tenant, 4, null, "report", List.of(4, 4, 2));

        assertThat(seen).containsExactlyElementsOf(reports.reversed());
    }

    @Test
    void tenantsSeeOnlyTheirOwnJobs() {
        Job mine = created(aQueuedJob().tenant("tenant-a").build());
        Job theirs = created(aQueuedJob().tenant("tenant-b").build());

        assertThat(store.list("tenant-a", JobQuery.firstPage(10)).jobs()).containsExactly(mine);
        assertThat(store.list("tenant-b", JobQuery.firstPage(10)).jobs()).containsExactly(theirs);
        assertThat(store.list("tenant-c", JobQuery.firstPage(10))).isEqualTo(new JobPage(List.of(), null));
    }

    @Test
    void malformedCursorIsRejected() {
        JobQuery query = new JobQuery(null, null, null, 10, "%%not-a-cursor%%");

        assertThatThrownBy(() -> store.list("tenant-a", query))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor is malformed");
    }

    private List<Job> readAllPages(String tenant, int limit, JobState state, String type, List<Integer> sizes) {
        List<Job> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            JobPage page = store.list(tenant, new JobQuery(state, type, null, limit, cursor));
            seen.addAll(page.jobs());
            pageSizes.add(page.jobs().size());
            cursor = page.nextCursor();
        } while (cursor != null && pageSizes.size() < 100);
        if (sizes != null) {
            assertThat(pageSizes).isEqualTo(sizes);
        }
        return seen;
    }

    // ---- events -------------------------------------------------------------------------------------------------

    @Test
    @SuppressWarnings("try") // the subscription is only held open, never read
    void everyChangeReachesASubscriberButNotTheCreationOrAConfirmedPublication() {
        ConcurrentLinkedQueue<JobEvent> events = new ConcurrentLinkedQueue<>();
        try (JobStore.Subscription ignored = store.subscribe(events::add)) {
            Job job = created(aQueuedJob().build());
            Job published = written(job, job.markPublished(now()));
            written(published, published.claim("w", now(), Duration.ofSeconds(30)));
            Job confirmed = created(aQueuedJob().build());
            assertThat(store.confirmPublished(confirmed)).isTrue();
            written(confirmed, confirmed.claim("w", now(), Duration.ofSeconds(30)));

            // Events arrive in write order, so an event of a creation would come before the ones awaited here.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(events)
                            .filteredOn(
                                    e -> e.jobId().equals(job.id()) || e.jobId().equals(confirmed.id()))
                            .extracting(JobEvent::jobId, JobEvent::version, JobEvent::state)
                            .containsExactly(
                                    org.assertj.core.groups.Tuple.tuple(job.id(), 2L, JobState.QUEUED),
                                    org.assertj.core.groups.Tuple.tuple(job.id(), 3L, JobState.RUNNING),
                                    org.assertj.core.groups.Tuple.tuple(confirmed.id(), 2L, JobState.RUNNING)));
        }
    }

    @Test
    @SuppressWarnings("try") // the subscription is only held open, never read
    void closedSubscriptionReceivesNoFurtherEvents() {
        ConcurrentLinkedQueue<JobEvent> closedOne = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<JobEvent> openOne = new ConcurrentLinkedQueue<>();
        JobStore.Subscription first = store.subscribe(closedOne::add);
        try (JobStore.Subscription ignored = store.subscribe(openOne::add)) {
            first.close();

            Job job = created(aQueuedJob().build());
            written(job, job.markPublished(now()));

            // Both listeners are called on the same store thread in turn, so once the open one has the event,
            // the closed one would have had it too.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> openOne.stream().anyMatch(e -> e.jobId().equals(job.id())));
            assertThat(closedOne).noneMatch(e -> e.jobId().equals(job.id()));
        }
    }

    // ---- retention ----------------------------------------------------------------------------------------------

    @Test
    void finishedJobExpiresAfterItsRetention() {
        Job job = created(aQueuedJob().retention(Duration.ofSeconds(2)).build());
        Instant now = now();
        Job running = written(job, job.markPublished(now).claim("w", now, Duration.ofSeconds(30)));
        Job succeeded = written(running, running.succeed(JsonNodeFactory.instance.textNode("done"), now()));
        assertThat(store.find(job.id())).contains(succeeded);

        await().atMost(Duration.ofSeconds(15)).until(() -> store.find(job.id()).isEmpty());
        assertThat(store.list(job.tenant(), JobQuery.firstPage(10)).jobs()).isEmpty();
    }
}
