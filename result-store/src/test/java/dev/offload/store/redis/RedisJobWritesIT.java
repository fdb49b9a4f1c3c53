package dev.offload.store.redis;

import static dev.offload.store.Jobs.aQueuedJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import dev.offload.store.BatchResult;
import dev.offload.store.CreateResult;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.store.JobStoreContract;
import dev.offload.store.JobStores;
import dev.offload.store.JobWrites;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.testing.RedisFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The non-blocking submission writes on a real Redis ({@link RedisFixture}): the whole store contract, with every
 * creation and confirmation sent through {@link JobWrites} from an event loop (the other operations through the
 * blocking store, which reads what the writes wrote), then what only the non-blocking client can get wrong.
 */
class RedisJobWritesIT extends JobStoreContract {
    private static final String RUN_PREFIX =
            "offload-test-writes-" + UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final Vertx VERTX = Vertx.vertx();

    private String prefix;

    @Override
    protected JobStore openStore() {
        prefix = RUN_PREFIX + "-" + TESTS.incrementAndGet();
        return new WritesThroughJobWrites(
                JobStores.redis(config(prefix)),
                JobStores.redisWrites(VERTX, config(prefix)),
                VERTX.getOrCreateContext());
    }

    private static RedisStoreConfig config(String keyPrefix) {
        return new RedisStoreConfig(URI.create(RedisFixture.uri()), 4, Duration.ofSeconds(2), keyPrefix);
    }

    @AfterAll
    static void deleteTheKeysOfThisRunAndStopVertx() throws Exception {
        RedisFixture.deleteKeys(RUN_PREFIX);
        VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFuturesCompleteOnTheCallersEventLoop() throws Exception {
        Context context = VERTX.getOrCreateContext();
        try (JobWrites writes = JobStores.redisWrites(VERTX, config(prefix))) {
            CompletableFuture<Boolean> onTheLoop = new CompletableFuture<>();
            context.runOnContext(v -> writes.createAll(
                            List.of(new JobStore.Creation(aQueuedJob().build(), DAY)))
                    .onComplete(done -> onTheLoop.complete(
                            done.succeeded() && Context.isOnEventLoopThread() && Vertx.currentContext() == context)));

            assertThat(onTheLoop.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void scriptsThatRedisForgotAreSentWithTheirText() throws Exception {
        Job queued = aQueuedJob().build();
        Context context = VERTX.getOrCreateContext();
        try (JobWrites writes = JobStores.redisWrites(VERTX, config(prefix))) {
            flushScripts();
            CreateResult created = onLoop(context, () -> writes.createAll(List.of(new JobStore.Creation(queued, DAY))))
                    .getFirst()
                    .get();
            flushScripts();
            boolean confirmed = onLoop(context, () -> writes.confirmPublishedAll(List.of(queued.withVersion(1))))
                    .getFirst()
                    .get();

            assertThat(created).isEqualTo(new CreateResult.Created(queued.withVersion(1)));
            assertThat(confirmed).isTrue();
            assertThat(store.find(queued.id())).contains(queued.withVersion(1));
        }
    }

    @Test
    void anUnreachableRedisFailsTheBatchAsStoreUnavailable() {
        RedisStoreConfig nowhere =
                new RedisStoreConfig(URI.create("redis://127.0.0.1:1"), 2, Duration.ofMillis(500), prefix);
        try (JobWrites writes = JobStores.redisWrites(VERTX, nowhere)) {
            assertThatThrownBy(() -> onLoop(
                            VERTX.getOrCreateContext(),
                            () -> writes.createAll(
                                    List.of(new JobStore.Creation(aQueuedJob().build(), DAY)))))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1");
        }
    }

    @Test
    void aRedisThatDoesNotAnswerFailsAfterTheTimeoutAsStoreUnavailable() throws Exception {
        // Accepts connections and reads nothing: every call waits for an answer that never comes.
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> acceptForever(silent));
            RedisStoreConfig mute = new RedisStoreConfig(
                    URI.create("redis://127.0.0.1:" + silent.getLocalPort()), 2, Duration.ofMillis(300), prefix);
            try (JobWrites writes = JobStores.redisWrites(VERTX, mute)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> onLoop(
                                VERTX.getOrCreateContext(),
                                () -> writes.confirmPublishedAll(
                                        List.of(aQueuedJob().build()))))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("store.redis.timeout");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    private static void acceptForever(ServerSocket server) {
        try {
            while (true) {
                Socket ignored = server.accept(); // held open, never answered, closed with the server
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void flushScripts() {
        try (RedisClient redis = RedisClient.create(URI.create(RedisFixture.uri()))) {
            redis.scriptFlush();
        }
    }

    /** Calls {@code write} on {@code context}'s event loop and waits here for its result. */
    static <T> T onLoop(Context context, Supplier<Future<T>> write) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                write.get().onSuccess(result::complete).onFailure(result::completeExceptionally);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Redis store, with its creations and confirmations sent through {@link JobWrites} from an event loop. */
    private static final class WritesThroughJobWrites implements JobStore {
        private final JobStore store;
        private final JobWrites writes;
        private final Context context;

        WritesThroughJobWrites(JobStore store, JobWrites writes, Context context) {
            this.store = store;
            this.writes = writes;
            this.context = context;
        }

        @Override
        public CreateResult create(Job job, Duration idempotencyTtl) {
            return createAll(List.of(new Creation(job, idempotencyTtl)))
                    .getFirst()
                    .get();
        }

        @Override
        public List<BatchResult<CreateResult>> createAll(List<Creation> creations) {
            return onLoop(context, () -> writes.createAll(creations));
        }

        @Override
        public boolean confirmPublished(Job queued) {
            return confirmPublishedAll(List.of(queued)).getFirst().get();
        }

        @Override
        public List<BatchResult<Boolean>> confirmPublishedAll(List<Job> queued) {
            return onLoop(context, () -> writes.confirmPublishedAll(queued));
        }

        @Override
        public Optional<Job> find(String id) {
            return store.find(id);
        }

        @Override
        public Optional<Job> compareAndSet(Job current, Job next) {
            return store.compareAndSet(current, next);
        }

        @Override
        public List<BatchResult<Optional<Job>>> compareAndSetAll(List<Change> changes) {
            return store.compareAndSetAll(changes);
        }

        @Override
        public boolean abandon(Job current) {
            return store.abandon(current);
        }

        @Override
        public long unfinished(String tenant) {
            return store.unfinished(tenant);
        }

        @Override
        public JobPage list(String tenant, JobQuery query) {
            return store.list(tenant, query);
        }

        @Override
        public List<String> claimDue(Instant now, int limit, Duration hold) {
            return store.claimDue(now, limit, hold);
        }

        @Override
        public Subscription subscribe(Consumer<JobEvent> listener) {
            return store.subscribe(listener);
        }

        @Override
        public void ping() {
            store.ping();
        }

        @Override
        public void close() {
            writes.close();
            store.close();
        }
    }
}
