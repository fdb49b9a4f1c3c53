package dev.offload.worker;

import dev.offload.model.JobEnvelope;
import dev.offload.model.JobEvent;
import dev.offload.model.JobState;
import dev.offload.model.JsonWarmUp;
import dev.offload.store.JobStore;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's job runner (design §1, §4): it consumes job messages, claims each job in the store, runs its
 * {@link dev.offload.worker.spi.JobHandler handler} on a virtual thread with a timeout while renewing the job's lease,
 * writes exactly one outcome per attempt with a compare-and-set, and only then acknowledges the message. It also runs
 * the scheduler role: publishing jobs that were never confirmed as published, requeueing due delayed jobs and retries,
 * and failing attempts whose lease expired (the worker running them died).
 *
 * <p>Threading: thread-safe. {@link #start()}, {@link #stop()} and {@link #kill()} may be called from any thread,
 * including a Vert.x event loop: they do not block. The futures they return are completed on the thread that finishes
 * the work (the consumer's thread or one of the worker's virtual threads), not on a Vert.x context; compose on them or
 * hop back with your own context. Each job runs on its own virtual thread; at most {@code worker.concurrency} at once.
 */
public final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long a stop waits for abandoned jobs to let go, after the grace period. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(5);

    private enum Phase {
        NEW,
        RUNNING,
        STOPPING,
        STOPPED,
        KILLED
    }

    private final WorkerConfig config;
    private final JobStore store;
    private final JobConsumer consumer;
    private final ExecutionEnvironment env;
    private final Scheduler scheduler;
    private final Semaphore slots;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;
    private final Map<String, JobExecution> executions = new ConcurrentHashMap<>();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
    private volatile JobStore.Subscription subscription;

    private Worker(
            WorkerConfig config,
            JobStore store,
            JobPublisher publisher,
            JobConsumer consumer,
            HandlerRegistry handlers,
            Clock clock,
            MeterRegistry meters) {
        this.config = config;
        this.store = store;
        this.consumer = consumer;
        this.slots = new Semaphore(config.concurrency());
        this.threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("offload-job-", 0).factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("offload-scheduler").factory());
        PatientStore patient = new PatientStore(store, () -> phase.get() == Phase.KILLED);
        WorkerMetrics metrics = new WorkerMetrics(meters, executions::size);
        this.env = new ExecutionEnvironment(config, patient, clock, handlers, threads, metrics);
        this.scheduler = new Scheduler(config, patient, publisher, clock, metrics);
    }

    /**
     * A worker, not yet started. The worker does not own the store, publisher or consumer: it never closes them, and
     * the consumer should be configured with {@code maxInFlight} equal to {@code config.concurrency()}.
     */
    public static Worker create(
            WorkerConfig config,
            JobStore store,
            JobPublisher publisher,
            JobConsumer consumer,
            HandlerRegistry handlers,
            Clock clock,
            MeterRegistry meters) {
        return new Worker(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(publisher, "publisher"),
                Objects.requireNonNull(consumer, "consumer"),
                Objects.requireNonNull(handlers, "handlers"),
                Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(meters, "meters"));
    }

    /** This worker's id, the owner name of the leases it holds. */
    public String id() {
        return config.id();
    }

    /** Jobs being handled now (claimed or about to be). */
    public int inFlight() {
        return executions.size();
    }

    /**
     * Subscribes to job events (to notice cancellations at once), starts the scheduler and starts consuming.
     *
     * @return completes when the consumer is subscribed; fails if the worker was started before or consuming cannot
     *     start
     */
    public Future<Void> start() {
        if (!phase.compareAndSet(Phase.NEW, Phase.RUNNING)) {
            return Future.failedFuture(new IllegalStateException("worker " + id() + " was already started"));
        }
        JsonWarmUp.run(); // so that the first deliveries do not wait for Jackson to build its serializers
        subscription = store.subscribe(this::onEvent);
        long interval = config.schedulerInterval().toMillis();
        timer.scheduleWithFixedDelay(this::schedulerTick, 0, interval, TimeUnit.MILLISECONDS);
        LOG.info(
                "worker {} starting: {} handler types, concurrency {}",
                id(),
                env.handlers().types().size(),
                config.concurrency());
        return consumer.start(this::deliver);
    }

    /**
     * Stops gracefully: stops consuming and scheduling, lets running jobs finish for up to
     * {@code worker.shutdownGrace}, then interrupts the rest without recording an outcome or acknowledging their
     * messages (they run again after their lease expires).
     *
     * @return completes when the consumer stopped and no job runs any more
     */
    public Future<Void> stop() {
        if (!phase.compareAndSet(Phase.RUNNING, Phase.STOPPING)) {
            return Future.succeededFuture();
        }
        timer.shutdown();
        Promise<Void> drained = Promise.promise();
        Thread.ofVirtual().name("offload-worker-stop").start(() -> {
            drain(config.shutdownGrace());
            drained.complete();
        });
        return Future.all(consumer.stop(), drained.future()).<Void>mapEmpty().eventually(() -> {
            release();
            phase.set(Phase.STOPPED);
            return Future.succeededFuture();
        });
    }

    /**
     * For tests: stops abruptly, as if the process crashed. Running handlers are interrupted, nothing more is written
     * to the store, no message is acknowledged, and the consumer leaves its group so that others take the messages
     * over. The jobs run again on other workers once their leases expire.
     */
    public Future<Void> kill() {
        Phase before = phase.getAndSet(Phase.KILLED);
        if (before == Phase.KILLED || before == Phase.STOPPED) {
            return Future.succeededFuture();
        }
        // No interrupts of the worker's own threads: one could be inside a store call, and an interrupted file or
        // socket operation could break the store shared with the rest of the test. Abandoning stops every write.
        timer.shutdown();
        executions.values().forEach(JobExecution::abandon);
        release();
        return before == Phase.NEW ? Future.succeededFuture() : consumer.stop().recover(e -> Future.succeededFuture());
    }

    // ---- deliveries -----------------------------------------------------------------------------------------------

    /** Called by the consumer on its thread: hands the message to a virtual thread and returns at once. */
    private CompletionStage<Void> deliver(JobEnvelope envelope) {
        if (phase.get() != Phase.RUNNING) {
            return CompletableFuture.failedFuture(new IllegalStateException("worker " + id() + " is not running"));
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        JobExecution execution = new JobExecution(env, envelope);
        boolean registered = executions.putIfAbsent(envelope.jobId(), execution) == null;
        try {
            threads.execute(() -> execute(execution, registered, acknowledged));
        } catch (RuntimeException e) {
            forget(execution, registered);
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    private void execute(JobExecution execution, boolean registered, CompletableFuture<Void> acknowledged) {
        try {
            slots.acquire();
            try {
                execution.run();
            } finally {
                slots.release();
            }
            acknowledged.complete(null);
        } catch (InterruptedException e) {
            acknowledged.completeExceptionally(
                    new AttemptAbandoned("interrupted before job " + execution.jobId() + " started"));
        } catch (RuntimeException | Error e) {
            if (!(e instanceof AttemptAbandoned)) {
                LOG.error("job {}: unexpected failure; the message comes again", execution.jobId(), e);
            }
            acknowledged.completeExceptionally(e);
        } finally {
            forget(execution, registered);
        }
    }

    private void forget(JobExecution execution, boolean registered) {
        if (registered) {
            executions.remove(execution.jobId(), execution);
        }
    }

    /** Store events arrive on a store thread: only flag and wake, never block. */
    private void onEvent(JobEvent event) {
        if (event.cancelRequested() && event.state() == JobState.RUNNING) {
            JobExecution execution = executions.get(event.jobId());
            if (execution != null) {
                execution.cancelRequested(event.attempts());
            }
        }
    }

    // ---- scheduler and shutdown -----------------------------------------------------------------------------------

    private void schedulerTick() {
        try {
            scheduler.tick();
        } catch (AttemptAbandoned e) {
            // the worker was killed mid-tick
        } catch (RuntimeException e) {
            LOG.warn("worker {}: scheduler tick failed; trying again in {}", id(), config.schedulerInterval(), e);
        }
    }

    private void drain(Duration grace) {
        awaitNoExecutions(System.nanoTime() + grace.toNanos());
        if (!executions.isEmpty()) {
            LOG.warn(
                    "worker {}: {} jobs still running after worker.shutdownGrace {}; interrupted, they run again"
                            + " after their lease expires",
                    id(),
                    executions.size(),
                    grace);
            executions.values().forEach(JobExecution::abandon);
            awaitNoExecutions(System.nanoTime() + ABANDON_WAIT.toNanos());
        }
    }

    private void awaitNoExecutions(long deadline) {
        while (!executions.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void release() {
        JobStore.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        threads.shutdown();
    }
}
