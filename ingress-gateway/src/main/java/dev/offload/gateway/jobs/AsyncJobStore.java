package dev.offload.gateway.jobs;

import dev.offload.gateway.blocking.ConnectionThreads;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.StoreFailures;
import dev.offload.model.Job;
import dev.offload.store.CreateResult;
import dev.offload.store.JobStore;
import dev.offload.store.JobWrites;
import dev.offload.store.StoreUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The job store for event loops. The writes of every submission, creations and confirmed publications, are gathered
 * across concurrent requests into batches ({@link GroupCommit}) and sent with {@link JobWrites}, Vert.x's non-blocking
 * Redis client: from the event loop to Redis and back, with no thread handed the work in between. Everything else
 * (and every write on the embedded store, which has no non-blocking client) runs on the blocking {@link JobStore}:
 * Jedis blocks its thread for each round trip, so those calls run on {@link ConnectionThreads}, a platform thread per
 * busy connection (cheaper to wake than a virtual thread) and virtual threads for the calls beyond, which wait for a
 * connection as the Jedis pool makes them; compare-and-sets are batched too. Results come back on the caller's Vert.x
 * context. A store that cannot be reached becomes a 503. Calls in flight are bounded ({@code gateway.maxStoreCalls}):
 * beyond the bound a call fails at once with 503, so a slow store cannot make requests pile up without limit. A
 * circuit breaker (named {@value #BREAKER}) counts calls that found the store unreachable: when half of the last
 * {@value #WINDOW} did, further calls fail at once with 503 for {@code OPEN_FOR} without waiting on a dead store, then
 * a few trial calls decide whether it is back. Thread-safe.
 */
final class AsyncJobStore implements AutoCloseable {
    private static final Duration OVERLOADED_RETRY_AFTER = Duration.ofSeconds(1);
    // A Redis pipeline of 128 create scripts is well under a millisecond of Redis time; four flushes in flight per
    // kind of write keep the store busy while results travel back (creations keep one, below).
    private static final int MAX_BATCH = 128;
    private static final int MAX_FLUSHES = 4;
    // Creations, the one write of every submission that its 202 waits for, keep one flush in flight: those arriving
    // meanwhile leave together in the next one, and a round trip costs both sides system calls and a wake-up whatever
    // it carries (cpu-ratio.sh 7000: Redis 0.027 against 0.044 ms per request with four, the gateway 0.078 against
    // 0.085). A lone submission still leaves at once.
    private static final int CREATE_FLUSHES = 1;
    // Beyond it (non-blocking writes), a second flush starts only for a full batch waiting. One flush capped the rate
    // at 128 jobs per round trip (11,000/s offered: 8,300-8,600 ok/s; with this rule 10,960), and two for any item
    // made end to end at 600/s worse (p99 121-698 against 63-163 ms; with this rule 44 against 40; docs/performance.md,
    // seventh session).
    private static final int FULL_CREATE_FLUSHES = 2;
    // Under load, a creation flush starts no sooner than 3 ms after the last, so that it carries the submissions of
    // 3 ms instead of those of one Redis round trip (about 20 jobs instead of 7 or 8 at 10,000/s: the gateway 14 % and
    // Redis a third less CPU per job; see GroupCommit). Only after a flush of 8 or more: below about 2,700/s a gathered
    // flush carries fewer and the gather turns off, so that end to end at 1,000/s pays no added latency (it did, with
    // p50 8.2 against 4.1 ms, when any flush of two started it). A lone submission leaves at once.
    private static final GroupCommit.Gather CREATE_GATHER = new GroupCommit.Gather(Duration.ofMillis(3), 8);
    // Nobody waits for a confirmation (the 202 has gone), and the scheduler looks for unconfirmed jobs only after
    // jobs.publishGrace (seconds): confirmations wait 5 ms for company, so that at 7,000 submissions a second a
    // round trip carries about 35 of them instead of one or two.
    private static final Duration CONFIRM_LINGER = Duration.ofMillis(5);
    static final String BREAKER = "store";
    static final int WINDOW = 10;
    static final Duration OPEN_FOR = Duration.ofSeconds(2);
    private final Vertx vertx;
    private final JobStore store;
    private final Semaphore permits;
    private final int maxCalls;
    private final CircuitBreaker breaker;
    private final ConnectionThreads threads;

    private final GroupCommit<JobStore.Creation, CreateResult> creations;
    private final GroupCommit<JobStore.Change, Optional<Job>> changes;
    private final GroupCommit<Job, Boolean> confirmations;

    AsyncJobStore(Vertx vertx, JobStore store, int maxCalls) {
        this(vertx, store, null, maxCalls, CircuitBreakerRegistry.ofDefaults());
    }

    /**
     * A store whose breaker lives in {@code breakers} (so that it shows in metrics and readiness details), and whose
     * creations and confirmations go through {@code writes} without blocking, or, if it is {@code null}, through
     * {@code store} on threads of its own.
     */
    AsyncJobStore(Vertx vertx, JobStore store, JobWrites writes, int maxCalls, CircuitBreakerRegistry breakers) {
        this.breaker = breakers.circuitBreaker(
                BREAKER,
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(WINDOW)
                        .minimumNumberOfCalls(WINDOW)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(OPEN_FOR)
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .recordException(e -> e instanceof StoreUnavailableException)
                        .build());
        this.vertx = vertx;
        this.store = store;
        this.maxCalls = maxCalls;
        this.permits = new Semaphore(maxCalls);
        this.threads = new ConnectionThreads("offload-store", store.maxConcurrentCalls());
        this.creations = writes != null
                ? GroupCommit.nonBlocking(
                        writes::createAll,
                        MAX_BATCH,
                        CREATE_FLUSHES,
                        FULL_CREATE_FLUSHES,
                        Duration.ZERO,
                        CREATE_GATHER,
                        vertx)
                : new GroupCommit<>(
                        store::createAll,
                        c -> store.create(c.job(), c.idempotencyTtl()),
                        threads,
                        MAX_BATCH,
                        CREATE_FLUSHES);
        this.changes = new GroupCommit<>(
                store::compareAndSetAll,
                c -> store.compareAndSet(c.current(), c.next()),
                threads,
                MAX_BATCH,
                MAX_FLUSHES);
        this.confirmations = writes != null
                ? GroupCommit.nonBlocking(
                        writes::confirmPublishedAll,
                        MAX_BATCH,
                        MAX_FLUSHES,
                        MAX_FLUSHES,
                        CONFIRM_LINGER,
                        GroupCommit.Gather.NONE,
                        vertx)
                : new GroupCommit<>(
                        store::confirmPublishedAll,
                        store::confirmPublished,
                        threads,
                        MAX_BATCH,
                        MAX_FLUSHES,
                        CONFIRM_LINGER,
                        vertx);
    }

    /**
     * {@link JobStore#create}, batched with the creations of concurrent requests (one store round trip per batch);
     * completes on the current context.
     */
    Future<CreateResult> create(Job job, Duration idempotencyTtl) {
        return batched(creations, new JobStore.Creation(job, idempotencyTtl));
    }

    /** {@link JobStore#compareAndSet}, batched like {@link #create}. */
    Future<Optional<Job>> compareAndSet(Job current, Job next) {
        return batched(changes, new JobStore.Change(current, next));
    }

    /** {@link JobStore#confirmPublished}, batched like {@link #create}. */
    Future<Boolean> confirmPublished(Job queued) {
        return batched(confirmations, queued);
    }

    private <I, O> Future<O> batched(GroupCommit<I, O> commit, I item) {
        if (!permits.tryAcquire()) {
            return overloaded();
        }
        if (!breaker.tryAcquirePermission()) {
            permits.release();
            return breakerOpen();
        }
        long start = System.nanoTime();
        return commit.submit(item, vertx.getOrCreateContext())
                .andThen(done -> {
                    permits.release();
                    if (done.succeeded()) {
                        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    } else {
                        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, done.cause());
                    }
                })
                .recover(StoreFailures::translate);
    }

    private <T> Future<T> breakerOpen() {
        return Future.failedFuture(ApiException.unavailable(
                "the result store failed repeatedly and is given " + OPEN_FOR.toSeconds()
                        + " s to recover before it is tried again; retry later",
                StoreFailures.RETRY_AFTER));
    }

    private <T> Future<T> overloaded() {
        return Future.failedFuture(ApiException.unavailable(
                "this gateway has " + maxCalls + " store calls in flight (gateway.maxStoreCalls); retry shortly",
                OVERLOADED_RETRY_AFTER));
    }

    /** Applies {@code call} to the store off the event loop; completes on the current context. */
    <T> Future<T> call(Function<JobStore, T> call) {
        if (!permits.tryAcquire()) {
            return overloaded();
        }
        if (!breaker.tryAcquirePermission()) {
            permits.release();
            return breakerOpen();
        }
        CompletableFuture<T> result = CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    try {
                        T value = call.apply(store);
                        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        return value;
                    } catch (RuntimeException e) {
                        // Only StoreUnavailableException counts as a failure (recordException above).
                        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                        throw e;
                    } finally {
                        permits.release();
                    }
                },
                threads);
        return Future.fromCompletionStage(result, vertx.getOrCreateContext()).recover(StoreFailures::translate);
    }

    /** Store calls in flight now, for the metrics gauge. */
    int inFlight() {
        return maxCalls - permits.availablePermits();
    }

    /** Sends off the confirmations still waiting for their linger, then stops the threads once their work is done. */
    @Override
    public void close() {
        confirmations.close();
        threads.close();
    }
}
