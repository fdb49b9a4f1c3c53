package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.store.BatchResult;
import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit: batches form while a flush is in flight, during a linger or a gather, items fail alone, results arrive
 * on the caller's context.
 */
class GroupCommitTest {
    private final Vertx vertx = Vertx.vertx();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoneItemLeavesAtOnceAndItemsArrivingDuringAFlushLeaveTogetherInTheNext() throws Exception {
        CountDownLatch firstFlushEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstFlush = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(
                items -> {
                    batches.add(List.copyOf(items));
                    if (batches.size() == 1) {
                        firstFlushEntered.countDown();
                        await(releaseFirstFlush);
                    }
                    return items.stream().map(i -> BatchResult.of(i * 10)).toList();
                },
                i -> i * 10,
                threads,
                128,
                1);
        Context context = vertx.getOrCreateContext();

        Future<Integer> first = commit.submit(1, context);
        assertThat(firstFlushEntered.await(5, TimeUnit.SECONDS)).isTrue();
        List<Future<Integer>> queued = new ArrayList<>();
        for (int i = 2; i <= 6; i++) {
            queued.add(commit.submit(i, context));
        }
        releaseFirstFlush.countDown();

        assertThat(result(first)).isEqualTo(10);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(result(queued.get(i))).isEqualTo((i + 2) * 10);
        }
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4, 5, 6));
    }

    @Test
    void batchesNeverExceedTheirBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(
                items -> {
                    batches.add(List.copyOf(items));
                    await(release);
                    return items.stream().map(BatchResult::of).toList();
                },
                Function.identity(),
                threads,
                3,
                1);
        Context context = vertx.getOrCreateContext();
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(commit.submit(i, context));
        }
        release.countDown();

        for (Future<Integer> f : all) {
            result(f);
        }
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(3));
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(10);
    }

    @Test
    void anItemThatFailsFailsAloneAndABatchThatThrowsIsRetriedItemByItem() throws Exception {
        GroupCommit<Integer, Integer> itemFailure = new GroupCommit<>(
                items -> items.stream()
                        .map(i -> i == 2
                                ? BatchResult.<Integer>failed(new IllegalStateException("two"))
                                : BatchResult.of(i))
                        .toList(),
                Function.identity(),
                threads,
                128,
                1);
        GroupCommit<Integer, Integer> batchFailure = new GroupCommit<>(
                items -> {
                    throw new IllegalArgumentException("a bug in one item breaks the pipeline");
                },
                i -> {
                    if (i == 2) {
                        throw new IllegalArgumentException("two");
                    }
                    return i;
                },
                threads,
                128,
                1);
        Context context = vertx.getOrCreateContext();

        for (GroupCommit<Integer, Integer> commit : List.of(itemFailure, batchFailure)) {
            Future<Integer> one = commit.submit(1, context);
            Future<Integer> two = commit.submit(2, context);
            Future<Integer> three = commit.submit(3, context);

            assertThat(result(one)).isEqualTo(1);
            assertThat(failure(two)).hasMessage("two");
            assertThat(result(three)).isEqualTo(3);
        }
    }

    @Test
    void anUnreachableStoreFailsEveryItemOfTheBatchWithoutRetries() throws Exception {
        List<Integer> singles = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(
                items -> {
                    throw new StoreUnavailableException("Redis is down", null);
                },
                i -> {
                    singles.add(i);
                    return i;
                },
                threads,
                128,
                1);
        Context context = vertx.getOrCreateContext();

        Future<Integer> one = commit.submit(1, context);
        Future<Integer> two = commit.submit(2, context);

        assertThat(failure(one)).isInstanceOf(StoreUnavailableException.class);
        assertThat(failure(two)).isInstanceOf(StoreUnavailableException.class);
        assertThat(singles).isEmpty();
    }

    @Test
    void resultsAreDeliveredOnTheContextOfEachCaller() throws Exception {
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(
                items -> items.stream().map(BatchResult::of).toList(), Function.identity(), threads, 128, 2);
        Context a = vertx.getOrCreateContext();
        Context b = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
        CompletableFuture<Boolean> onA = new CompletableFuture<>();
        CompletableFuture<Boolean> onB = new CompletableFuture<>();

        // As on an event loop: the request submits on its own context and registers its continuation at once.
        a.runOnContext(v -> commit.submit(1, a).onComplete(x -> onA.complete(Vertx.currentContext() == a)));
        b.runOnContext(v -> commit.submit(2, b).onComplete(x -> onB.complete(Vertx.currentContext() == b)));

        assertThat(onA.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(onB.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void requestsSharingAnEventLoopAreEachSettledOnTheirOwnContext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(
                items -> {
                    await(release);
                    return items.stream().map(BatchResult::of).toList();
                },
                Function.identity(),
                threads,
                128,
                1);
        ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
        // Like HTTP requests: a duplicate of the event loop's context each, with its own local data.
        List<ContextInternal> requests = List.of(loop.duplicate(), loop.duplicate(), loop.duplicate());
        Future<Integer> blocker = commit.submit(0, loop);
        List<CompletableFuture<Boolean>> onOwn = new ArrayList<>();
        CountDownLatch queued = new CountDownLatch(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ContextInternal request = requests.get(i);
            CompletableFuture<Boolean> own = new CompletableFuture<>();
            onOwn.add(own);
            int item = i + 1;
            request.runOnContext(v -> {
                commit.submit(item, request)
                        .onComplete(x -> own.complete(Vertx.currentContext() == request && x.result() == item));
                queued.countDown();
            });
        }

        await(queued);
        release.countDown(); // the three leave together in the batch after the blocker's
        assertThat(result(blocker)).isZero();
        for (CompletableFuture<Boolean> own : onOwn) {
            assertThat(own.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withALingerItemsArrivingWithinItLeaveTogetherInOneFlush() throws Exception {
        GroupCommit<Integer, Integer> commit = lingering(128, Duration.ofMillis(300));
        Context context = vertx.getOrCreateContext();

        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            futures.add(commit.submit(i, context));
        }

        for (int i = 0; i < futures.size(); i++) {
            assertThat(result(futures.get(i))).isEqualTo(i + 1);
        }
        assertThat(batches).containsExactly(List.of(1, 2, 3, 4, 5));
    }

    @Test
    void aFullBatchDoesNotWaitForTheLingerAndTheRestWaitsForIt() throws Exception {
        GroupCommit<Integer, Integer> commit = lingering(3, Duration.ofMinutes(10));
        Context context = vertx.getOrCreateContext();

        List<Future<Integer>> full =
                List.of(commit.submit(1, context), commit.submit(2, context), commit.submit(3, context));
        Future<Integer> fourth = commit.submit(4, context);

        for (int i = 0; i < full.size(); i++) {
            assertThat(result(full.get(i))).isEqualTo(i + 1);
        }
        assertThat(batches).containsExactly(List.of(1, 2, 3));
        Thread.sleep(200);
        assertThat(fourth.isComplete()).as("the fourth waits for the linger").isFalse();
    }

    @Test
    void closeSendsOffWhatIsLingeringAtOnce() throws Exception {
        GroupCommit<Integer, Integer> commit = lingering(128, Duration.ofMinutes(10));
        Context context = vertx.getOrCreateContext();
        Future<Integer> first = commit.submit(1, context);
        Future<Integer> second = commit.submit(2, context);

        commit.close();

        assertThat(result(first)).isEqualTo(1);
        assertThat(result(second)).isEqualTo(2);
        assertThat(batches).containsExactly(List.of(1, 2));
    }

    @Test
    void aLingerNeedsATimerAndAWholeMillisecond() {
        assertThatThrownBy(() -> new GroupCommit<Integer, Integer>(
                        items -> List.of(), i -> i, threads, 8, 1, Duration.ofMillis(5), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger");
        assertThatThrownBy(() -> new GroupCommit<Integer, Integer>(
                        items -> List.of(), i -> i, threads, 8, 1, Duration.ofNanos(500_000), vertx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 ms");
    }

    @Test
    void aNonBlockingFlushStartsOnTheSubmittingEventLoopAndLaterItemsLeaveTogetherInTheNext() throws Exception {
        List<Promise<List<BatchResult<Integer>>>> inFlight = new CopyOnWriteArrayList<>();
        List<Boolean> startedOnTheLoop = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit = GroupCommit.nonBlocking(
                items -> {
                    batches.add(List.copyOf(items));
                    startedOnTheLoop.add(Context.isOnEventLoopThread());
                    Promise<List<BatchResult<Integer>>> written = Promise.promise();
                    inFlight.add(written);
                    return written.future();
                },
                128,
                1,
                1,
                Duration.ZERO,
                GroupCommit.Gather.NONE,
                vertx);
        Context context = vertx.getOrCreateContext();
        List<Future<Integer>> futures = new CopyOnWriteArrayList<>();
        CountDownLatch submitted = new CountDownLatch(1);
        context.runOnContext(v -> {
            for (int i = 1; i <= 3; i++) {
                futures.add(commit.submit(i, context));
            }
            submitted.countDown();
        });
        await(submitted);

        assertThat(batches).containsExactly(List.of(1));
        // Answers arrive on the event loop, as the Redis client's do.
        context.runOnContext(v -> inFlight.getFirst().complete(List.of(BatchResult.of(10))));
        assertThat(result(futures.getFirst())).isEqualTo(10);
        // The first flush's answer started the next one, with the two items that had waited for it.
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3));
        context.runOnContext(v -> inFlight.get(1).complete(List.of(BatchResult.of(20), BatchResult.of(30))));

        assertThat(result(futures.get(1))).isEqualTo(20);
        assertThat(result(futures.get(2))).isEqualTo(30);
        assertThat(startedOnTheLoop).containsOnly(true);
    }

    @Test
    void beyondTheEagerFlushesAFlushStartsOnlyForAFullBatch() throws Exception {
        List<Promise<List<BatchResult<Integer>>>> inFlight = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit = GroupCommit.nonBlocking(
                items -> {
                    batches.add(List.copyOf(items));
                    Promise<List<BatchResult<Integer>>> written = Promise.promise();
                    inFlight.add(written);
                    return written.future();
                },
                3,
                1,
                2,
                Duration.ZERO,
                GroupCommit.Gather.NONE,
                vertx);
        Context context = vertx.getOrCreateContext();

        commit.submit(1, context);
        commit.submit(2, context);
        commit.submit(3, context);
        assertThat(batches).as("two waiting items are not a full batch").containsExactly(List.of(1));

        commit.submit(4, context);
        assertThat(batches).as("three are").containsExactly(List.of(1), List.of(2, 3, 4));
        assertThat(inFlight).hasSize(2);
    }

    @Test
    void aNonBlockingBatchThatFailsIsWrittenAgainItemByItemUnlessTheStoreIsUnreachable() throws Exception {
        GroupCommit<Integer, Integer> buggy = GroupCommit.nonBlocking(
                items -> {
                    batches.add(List.copyOf(items));
                    return items.size() > 1 || items.getFirst() == 2
                            ? Future.failedFuture(new IllegalArgumentException("two"))
                            : Future.succeededFuture(List.of(BatchResult.of(items.getFirst())));
                },
                128,
                1,
                1,
                Duration.ofMillis(100),
                GroupCommit.Gather.NONE,
                vertx);
        Context context = vertx.getOrCreateContext();

        Future<Integer> one = buggy.submit(1, context);
        Future<Integer> two = buggy.submit(2, context);
        Future<Integer> three = buggy.submit(3, context);

        assertThat(result(one)).isEqualTo(1);
        assertThat(failure(two)).hasMessage("two");
        assertThat(result(three)).isEqualTo(3);
        assertThat(batches).containsExactly(List.of(1, 2, 3), List.of(1), List.of(2), List.of(3));

        batches.clear();
        GroupCommit<Integer, Integer> unreachable = GroupCommit.nonBlocking(
                items -> {
                    batches.add(List.copyOf(items));
                    return Future.failedFuture(new StoreUnavailableException("Redis is down"));
                },
                128,
                1,
                1,
                Duration.ofMillis(100),
                GroupCommit.Gather.NONE,
                vertx);
        Future<Integer> four = unreachable.submit(4, context);
        Future<Integer> five = unreachable.submit(5, context);

        assertThat(failure(four)).isInstanceOf(StoreUnavailableException.class);
        assertThat(failure(five)).isInstanceOf(StoreUnavailableException.class);
        assertThat(batches).containsExactly(List.of(4, 5));
    }

    @Test
    void underLoadAFlushWaitsForTheGatherButAfterASmallerFlushNothingWaits() throws Exception {
        Duration gather = Duration.ofMillis(300);
        List<Promise<List<BatchResult<Integer>>>> inFlight = new CopyOnWriteArrayList<>();
        List<Long> started = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit = gathering(3, new GroupCommit.Gather(gather, 2), inFlight, started);
        Context context = vertx.getOrCreateContext();

        Future<Integer> one = commit.submit(1, context);
        Future<Integer> two = commit.submit(2, context);
        Future<Integer> three = commit.submit(3, context);
        assertThat(batches).as("a lone item leaves at once").containsExactly(List.of(1));
        answer(inFlight, 0);
        assertThat(result(one)).isEqualTo(1);
        assertThat(batches)
                .as("after a flush of one, the items that waited for it leave at once")
                .containsExactly(List.of(1), List.of(2, 3));
        answer(inFlight, 1);
        assertThat(result(two)).isEqualTo(2);
        assertThat(result(three)).isEqualTo(3);

        Future<Integer> four = commit.submit(4, context);
        Future<Integer> five = commit.submit(5, context);
        assertThat(batches)
                .as("after a flush of two, the next waits for the gather")
                .hasSize(2);
        awaitBatches(3);
        assertThat(batches.get(2)).containsExactly(4, 5);
        assertThat(started.get(2) - started.get(1)).isGreaterThanOrEqualTo(gather.toNanos());
        answer(inFlight, 2);
        assertThat(result(four)).isEqualTo(4);
        assertThat(result(five)).isEqualTo(5);
    }

    @Test
    void aFullBatchDoesNotWaitForTheGather() throws Exception {
        List<Promise<List<BatchResult<Integer>>>> inFlight = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit =
                gathering(2, new GroupCommit.Gather(Duration.ofMinutes(10), 2), inFlight, new ArrayList<>());
        Context context = vertx.getOrCreateContext();
        flushOneThenTwo(commit, inFlight, context);

        Future<Integer> four = commit.submit(4, context);
        assertThat(batches).as("one item waits for the gather").hasSize(2);
        Future<Integer> five = commit.submit(5, context);

        assertThat(batches).as("a full batch does not").containsExactly(List.of(1), List.of(2, 3), List.of(4, 5));
        answer(inFlight, 2);
        assertThat(result(four)).isEqualTo(4);
        assertThat(result(five)).isEqualTo(5);
    }

    @Test
    void aFlushSmallerThanTheGathersThresholdDoesNotMakeTheNextWait() throws Exception {
        List<Promise<List<BatchResult<Integer>>>> inFlight = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> commit =
                gathering(128, new GroupCommit.Gather(Duration.ofMinutes(10), 3), inFlight, new ArrayList<>());
        Context context = vertx.getOrCreateContext();
        flushOneThenTwo(commit, inFlight, context);

        Future<Integer> four = commit.submit(4, context);

        assertThat(batches).as("a flush of two is below 3").containsExactly(List.of(1), List.of(2, 3), List.of(4));
        answer(inFlight, 2);
        assertThat(result(four)).isEqualTo(4);
    }

    @Test
    void aGatherNeedsATimerAWholeMillisecondAFlushOfOneOrMoreAndNoLinger() {
        Function<List<Integer>, Future<List<BatchResult<Integer>>>> flush = items -> Future.succeededFuture(List.of());
        GroupCommit.Gather gather = new GroupCommit.Gather(Duration.ofMillis(3), 8);
        assertThatThrownBy(() -> GroupCommit.nonBlocking(flush, 8, 1, 1, Duration.ZERO, gather, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gather");
        assertThatThrownBy(() -> GroupCommit.nonBlocking(flush, 8, 1, 1, Duration.ofMillis(5), gather, vertx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no linger");
        assertThatThrownBy(() -> new GroupCommit.Gather(Duration.ofNanos(500_000), 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 ms");
        assertThatThrownBy(() -> new GroupCommit.Gather(Duration.ofMillis(3), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one item");
    }

    /** A non-blocking group commit with one flush in flight whose flushes wait in {@code inFlight} for an answer. */
    private GroupCommit<Integer, Integer> gathering(
            int maxBatch,
            GroupCommit.Gather gather,
            List<Promise<List<BatchResult<Integer>>>> inFlight,
            List<Long> started) {
        return GroupCommit.nonBlocking(
                items -> {
                    started.add(System.nanoTime());
                    batches.add(List.copyOf(items));
                    Promise<List<BatchResult<Integer>>> written = Promise.promise();
                    inFlight.add(written);
                    return written.future();
                },
                maxBatch,
                1,
                1,
                Duration.ZERO,
                gather,
                vertx);
    }

    /** Submits 1, 2 and 3 to a commit with one flush in flight and answers its flushes, [1] and then [2, 3]. */
    private void flushOneThenTwo(
            GroupCommit<Integer, Integer> commit, List<Promise<List<BatchResult<Integer>>>> inFlight, Context context) {
        commit.submit(1, context);
        commit.submit(2, context);
        commit.submit(3, context);
        answer(inFlight, 0);
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3));
        answer(inFlight, 1);
    }

    /** Answers the {@code n}th flush with its items as their results. */
    private void answer(List<Promise<List<BatchResult<Integer>>>> inFlight, int n) {
        inFlight.get(n).complete(batches.get(n).stream().map(BatchResult::of).toList());
    }

    private void awaitBatches(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (batches.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(batches).hasSize(count);
    }

    private GroupCommit<Integer, Integer> lingering(int maxBatch, Duration linger) {
        return new GroupCommit<>(
                items -> {
                    batches.add(List.copyOf(items));
                    return items.stream().map(BatchResult::of).toList();
                },
                Function.identity(),
                threads,
                maxBatch,
                1,
                linger,
                vertx);
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Throwable failure(Future<?> future) throws Exception {
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        future.onComplete(done -> cause.complete(done.cause()));
        return cause.get(5, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
