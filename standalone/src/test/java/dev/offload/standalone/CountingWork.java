package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.offload.model.Job;
import dev.offload.model.JobState;
import dev.offload.store.JobStore;
import dev.offload.worker.HandlerRegistry;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work for the shared-work tests, with the ledger that proves exactly-once outcomes: {@code test.count} jobs
 * submitted concurrently over HTTP, a handler that counts how often each job ran (its result is that count, so a
 * second run would show), and the store's succeeded events counted per job.
 */
final class CountingWork implements AutoCloseable {
    private final TestCluster cluster;
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> succeededEvents = new ConcurrentHashMap<>();
    private final JobStore.Subscription events;

    /** Starts counting the deployment's succeeded events; start it before submitting. */
    CountingWork(TestCluster cluster) {
        this.cluster = cluster;
        this.events = cluster.store().subscribe(event -> {
            if (event.state() == JobState.SUCCEEDED) {
                succeededEvents
                        .computeIfAbsent(event.jobId(), id -> new AtomicInteger())
                        .incrementAndGet();
            }
        });
    }

    /** Submits {@code count} {@code test.count} jobs to {@code queue}, spread over the gateways; all must get 202. */
    List<String> submitConcurrently(List<ApiClient> gateways, int count, String queue) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<ApiClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ApiClient gateway = gateways.get(i % gateways.size());
                responses.add(
                        clients.submit(() -> gateway.submit("{\"type\":\"test.count\",\"queue\":\"" + queue + "\"}")));
            }
            List<String> ids = new ArrayList<>();
            for (Future<ApiClient.Response> response : responses) {
                assertThat(response.get().status()).isEqualTo(202);
                ids.add(response.get().id());
            }
            assertThat(ids).doesNotHaveDuplicates();
            return ids;
        } finally {
            clients.shutdown();
        }
    }

    /** Waits until every job in {@code ids} has a succeeded event. */
    void awaitSucceeded(List<String> ids, Duration atMost) {
        await().atMost(atMost).until(() -> ids.stream().allMatch(succeededEvents::containsKey));
    }

    /**
     * Every job succeeded with result 1 (its handler ran once), had one succeeded transition, and no handler of this
     * ledger ran twice.
     */
    void assertEachSucceededExactlyOnce(List<String> ids) {
        for (String id : ids) {
            Job job = cluster.store().find(id).orElseThrow();
            assertThat(job.state()).as(id).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.result()).as(id).isEqualTo(IntNode.valueOf(1));
            assertThat(succeededEvents.get(id)).as("succeeded events of " + id).hasValue(1);
        }
        assertThat(invocations).hasSize(ids.size());
        long duplicates = invocations.values().stream().filter(c -> c.get() > 1).count();
        assertThat(duplicates).as("jobs whose handler ran more than once").isZero();
    }

    /** The {@code test.count} handler, counting into this ledger. */
    HandlerRegistry handlers() {
        return HandlerRegistry.builder()
                .register(new JobHandler() {
                    @Override
                    public String type() {
                        return "test.count";
                    }

                    @Override
                    public JsonNode handle(JobContext context) {
                        int n = invocations
                                .computeIfAbsent(context.jobId(), id -> new AtomicInteger())
                                .incrementAndGet();
                        return IntNode.valueOf(n);
                    }
                })
                .build();
    }

    @Override
    public void close() {
        events.close();
    }
}
