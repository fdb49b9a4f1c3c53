package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's buffers have bounds: store calls in flight and long-polls held. */
class GatewayBoundsTest {
    private Vertx vertx;
    private JobStore store;

    @BeforeEach
    void start(@TempDir Path dir) {
        vertx = Vertx.vertx();
        store = JobStores.embedded(new EmbeddedStoreConfig(dir));
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnreachableStoreOpensTheBreakerAndLaterCallsFailFastWithoutTouchingIt() throws Exception {
        AsyncJobStore async = new AsyncJobStore(vertx, store, 100);
        AtomicInteger reached = new AtomicInteger();
        for (int i = 0; i < AsyncJobStore.WINDOW; i++) {
            Future<Boolean> call = async.call(s -> {
                reached.incrementAndGet();
                throw new StoreUnavailableException("redis is down", null);
            });
            assertThat(failure(call).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
        }

        Future<Boolean> fast = async.call(s -> {
            reached.incrementAndGet();
            return true;
        });

        assertThat(fast.failed()).isTrue();
        assertThat(((ApiException) fast.cause()).getMessage()).contains("failed repeatedly");
        assertThat(reached).hasValue(AsyncJobStore.WINDOW);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Future<Boolean> trial = async.call(s -> true);
                    trial.toCompletionStage()
                            .toCompletableFuture()
                            .handle((v, e) -> v)
                            .get(5, TimeUnit.SECONDS);
                    return trial.succeeded();
                });
    }

    private static ApiException failure(Future<?> call) throws Exception {
        call.toCompletionStage().toCompletableFuture().handle((v, e) -> v).get(5, TimeUnit.SECONDS);
        assertThat(call.failed()).isTrue();
        return (ApiException) call.cause();
    }

    @Test
    void storeCallsBeyondTheBoundFailAtOnceWith503AndFreePermitsAreReused() throws Exception {
        AsyncJobStore async = new AsyncJobStore(vertx, store, 2);
        CountDownLatch release = new CountDownLatch(1);
        Future<Boolean> first = async.call(s -> await(release));
        Future<Boolean> second = async.call(s -> await(release));

        Future<Boolean> third = async.call(s -> true);
        // The batched writes of submissions count against the same bound.
        Future<?> batched = async.create(SampleJobs.queued(), Duration.ofDays(1));

        assertThat(batched.failed()).isTrue();
        assertThat(batched.cause()).isInstanceOf(ApiException.class);
        assertThat(third.failed()).isTrue();
        assertThat(third.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("gateway.maxStoreCalls");
            assertThat(e.retryAfter()).isPositive();
        });
        assertThat(async.inFlight()).isEqualTo(2);

        release.countDown();
        assertThat(result(first)).isTrue();
        assertThat(result(second)).isTrue();
        Future<Boolean> fourth = async.call(s -> true);
        assertThat(result(fourth)).isTrue();
        assertThat(async.inFlight()).isZero();
        async.close();
    }

    @Test
    void longPollsBeyondTheBoundEndAtOnceAndTheCountFollowsTheWaiters() throws Exception {
        JobWatchers watchers = new JobWatchers(vertx, store, 1);
        JobWatchers.Watch held = watchers.watch("01JD3V5X7Q8R9S0T1V2W3X4Y5Z", e -> true, Duration.ofMinutes(1));

        JobWatchers.Watch overflow = watchers.watch("01JD3V5X7Q8R9S0T1V2W3X4Y60", e -> true, Duration.ofMinutes(1));

        assertThat(overflow.future().isComplete()).isTrue();
        assertThat(overflow.future().result()).isNull();
        assertThat(held.future().isComplete()).isFalse();
        assertThat(watchers.size()).isEqualTo(1);

        held.cancel();
        assertThat(result(held.future())).isNull();
        assertThat(watchers.size()).isZero();
        watchers.close();
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
