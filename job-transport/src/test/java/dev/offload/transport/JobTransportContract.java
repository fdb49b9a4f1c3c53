package dev.offload.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.offload.model.JobEnvelope;
import dev.offload.model.JobId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobTransport} must have. A subclass per broker provides a started transport whose queues,
 * topics and consumer group are unique to the test, so tests do not see each other's messages.
 */
public abstract class JobTransportContract {
    /** A queue every transport under test serves. */
    protected static final String QUEUE = "default";

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    protected Vertx vertx;
    protected JobTransport transport;
    private final List<JobConsumer> consumers = new ArrayList<>();

    /** A transport serving {@link #QUEUE}, with names unique to this test; not started yet. */
    protected abstract JobTransport createTransport(Vertx vertx);

    /** A transport whose broker cannot be reached, e.g. bootstrap at a closed port. */
    protected abstract JobTransport createUnreachableTransport(Vertx vertx, Duration publishTimeout);

    /** The consumer group of this test. */
    protected abstract String groupId();

    @BeforeEach
    void startTransport() throws Exception {
        vertx = Vertx.vertx();
        transport = createTransport(vertx);
        result(transport.start());
    }

    @AfterEach
    void closeTransport() throws Exception {
        for (JobConsumer consumer : consumers) {
            result(consumer.stop());
        }
        result(transport.close());
        result(vertx.close());
    }

    @Test
    void publishedEnvelopeIsDeliveredIntact() throws Exception {
        JobEnvelope sent = anEnvelope();
        List<JobEnvelope> received = new CopyOnWriteArrayList<>();

        result(transport.publisher().publish(sent));
        start(consumer(4), envelope -> {
            received.add(envelope);
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(PATIENCE).until(() -> !received.isEmpty());
        assertThat(received.getFirst()).isEqualTo(sent);
    }

    @Test
    void messageNotAcknowledgedIsRedeliveredToTheNextConsumer() throws Exception {
        JobEnvelope sent = anEnvelope();
        List<String> firstSaw = new CopyOnWriteArrayList<>();
        List<String> secondSaw = new CopyOnWriteArrayList<>();
        result(transport.publisher().publish(sent));
        JobConsumer first = consumer(4);
        start(first, envelope -> {
            firstSaw.add(envelope.jobId());
            return new CompletableFuture<>(); // never completes: the worker "dies" with the job
        });
        await().atMost(PATIENCE).until(() -> firstSaw.contains(sent.jobId()));

        result(first.stop());
        start(consumer(4), envelope -> {
            secondSaw.add(envelope.jobId());
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(PATIENCE).until(() -> secondSaw.contains(sent.jobId()));
    }

    @Test
    void completedMessagesAreNotRedeliveredAfterRestart() throws Exception {
        Set<String> completed = ConcurrentHashMap.newKeySet();
        List<String> afterRestart = new CopyOnWriteArrayList<>();
        List<String> before = publish(10);
        JobConsumer first = consumer(4);
        start(first, envelope -> {
            completed.add(envelope.jobId());
            return CompletableFuture.completedFuture(null);
        });
        await().atMost(PATIENCE).until(() -> completed.containsAll(before));
        result(first.stop());

        String later = publish(1).getFirst();
        start(consumer(4), envelope -> {
            afterRestart.add(envelope.jobId());
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(PATIENCE).until(() -> afterRestart.contains(later));
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> afterRestart.equals(List.of(later)));
    }

    @Test
    void inFlightNeverExceedsMaxInFlightAndConsumingGoesOn() throws Exception {
        int maxInFlight = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();
        List<String> first = publish(15);
        start(consumer(maxInFlight), envelope -> {
            highest.accumulateAndGet(running.incrementAndGet(), Math::max);
            CompletableFuture<Void> slow = new CompletableFuture<>();
            vertx.setTimer(100, id -> {
                running.decrementAndGet();
                done.add(envelope.jobId());
                slow.complete(null);
            });
            return slow;
        });
        await().atMost(PATIENCE).until(() -> done.containsAll(first));

        List<String> second = publish(5);

        await().atMost(PATIENCE).until(() -> done.containsAll(second));
        assertThat(highest.get()).isEqualTo(maxInFlight);
    }

    @Test
    void exceptionallyCompletedStageIsRedelivered() throws Exception {
        String failing = publish(1).getFirst();
        List<String> attempts = new CopyOnWriteArrayList<>();
        start(consumer(4), envelope -> {
            attempts.add(envelope.jobId());
            boolean firstTime =
                    attempts.stream().filter(envelope.jobId()::equals).count() == 1;
            return firstTime
                    ? CompletableFuture.failedFuture(new IllegalStateException("first attempt fails"))
                    : CompletableFuture.completedFuture(null);
        });

        await().atMost(PATIENCE)
                .until(() -> attempts.stream().filter(failing::equals).count() >= 2);
    }

    @Test
    void twoConsumersInOneGroupShareTheMessagesAndHandleEveryOne() throws Exception {
        List<String> sent = publish(200);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Set<String> byFirst = ConcurrentHashMap.newKeySet();
        Set<String> bySecond = ConcurrentHashMap.newKeySet();

        start(consumer(5), slowly(byFirst, handled));
        start(consumer(5), slowly(bySecond, handled));

        await().atMost(PATIENCE).until(() -> handled.containsAll(sent));
        assertThat(byFirst).isNotEmpty();
        assertThat(bySecond).isNotEmpty();
    }

    @Test
    void backlogCountsWaitingMessagesAndClearsOnceTheyAreConsumed() throws Exception {
        long before = result(transport.backlog());
        List<String> sent = publish(5);

        await().atMost(PATIENCE).until(() -> result(transport.backlog()) == before + 5);

        Set<String> done = ConcurrentHashMap.newKeySet();
        start(consumer(8), envelope -> {
            done.add(envelope.jobId());
            return CompletableFuture.completedFuture(null);
        });
        await().atMost(PATIENCE).until(() -> done.containsAll(sent));
        await().atMost(PATIENCE).until(() -> result(transport.backlog()) == 0);
    }

    @Test
    void backlogOfAnUnreachableBrokerFails() throws Exception {
        JobTransport unreachable = createUnreachableTransport(vertx, Duration.ofSeconds(2));
        try {
            assertThat(failureOf(unreachable.backlog())).isInstanceOf(TransportUnavailableException.class);
        } finally {
            failureOf(unreachable.close());
        }
    }

    @Test
    void publishingToAnUnknownQueueFails() {
        JobEnvelope envelope = anEnvelope("no-such-queue");

        assertThatThrownBy(() -> result(transport.publisher().publish(envelope)))
                .hasCauseInstanceOf(UnknownQueueException.class);
    }

    @Test
    void publishingToAnUnreachableBrokerFailsWithinTheTimeout() throws Exception {
        Duration publishTimeout = Duration.ofSeconds(2);
        JobTransport unreachable = createUnreachableTransport(vertx, publishTimeout);
        try {
            long begin = System.nanoTime();

            Throwable failure = failureOf(unreachable.publisher().publish(anEnvelope()));

            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            assertThat(failure).isInstanceOf(TransportUnavailableException.class);
            assertThat(took).isLessThan(publishTimeout.plusSeconds(2));
        } finally {
            failureOf(unreachable.close());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    protected JobConsumer consumer(int maxInFlight) {
        JobConsumer consumer =
                transport.consumer(new ConsumerOptions(List.of(QUEUE), groupId(), maxInFlight, Duration.ofMillis(500)));
        consumers.add(consumer);
        return consumer;
    }

    protected static void start(JobConsumer consumer, JobDeliveryHandler handler) throws Exception {
        result(consumer.start(handler));
    }

    private JobDeliveryHandler slowly(Set<String> mine, Set<String> all) {
        return envelope -> {
            CompletableFuture<Void> slow = new CompletableFuture<>();
            vertx.setTimer(50, id -> {
                mine.add(envelope.jobId());
                all.add(envelope.jobId());
                slow.complete(null);
            });
            return slow;
        };
    }

    protected List<String> publish(int count) throws Exception {
        List<Future<Void>> sends = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JobEnvelope envelope = anEnvelope();
            ids.add(envelope.jobId());
            sends.add(transport.publisher().publish(envelope));
        }
        result(Future.all(sends));
        return ids;
    }

    /**
     * The headers every transport puts beside the envelope (the names the AsyncAPI document promises), for
     * {@link #anEnvelope()}.
     */
    protected static void assertCarriesTheEnvelopeHeaders(Map<String, String> headers, JobEnvelope sent) {
        assertThat(headers)
                .containsEntry("traceparent", sent.traceparent())
                .containsEntry("offload-job-id", sent.jobId())
                .containsEntry("offload-tenant", "tenant-a")
                .containsEntry("offload-type", "echo")
                .containsEntry("offload-attempt", "1")
                .containsEntry("offload-meta-customer", "acme")
                .containsEntry("offload-meta-region", "eu");
    }

    protected static JobEnvelope anEnvelope() {
        return anEnvelope(QUEUE);
    }

    protected static JobEnvelope anEnvelope(String queue) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new JobEnvelope(
                JobId.next(now),
                "tenant-a",
                "echo",
                queue,
                1,
                5,
                now,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                Map.of("customer", "acme", "region", "eu"));
    }

    protected static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            result(future);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
