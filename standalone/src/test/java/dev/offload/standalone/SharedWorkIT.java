package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.offload.model.Job;
import dev.offload.model.JobState;
import dev.offload.store.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Several gateways and workers share one deployment's work; every job's outcome is recorded exactly once. */
class SharedWorkIT {

    @Test
    void fiveHundredJobsAcrossTwoGatewaysAndTwoWorkersAllSucceedOnce() throws Exception {
        Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> succeededEvents = new ConcurrentHashMap<>();
        try (TestCluster cluster = new TestCluster()) {
            JobStore.Subscription events = cluster.store().subscribe(event -> {
                if (event.state() == JobState.SUCCEEDED) {
                    succeededEvents
                            .computeIfAbsent(event.jobId(), id -> new AtomicInteger())
                            .incrementAndGet();
                }
            });
            List<ApiClient> gateways = List.of(cluster.startGateway(), cluster.startGateway());
            cluster.startWorker(CountingWork.handlers(invocations));
            cluster.startWorker(CountingWork.handlers(invocations));

            List<String> ids = CountingWork.submitConcurrently(gateways, 500, "default");

            await().atMost(Duration.ofMinutes(2)).until(() -> succeededEvents.size() == 500);
            for (String id : ids) {
                Job job = cluster.store().find(id).orElseThrow();
                assertThat(job.state()).as(id).isEqualTo(JobState.SUCCEEDED);
                assertThat(job.result()).isEqualTo(IntNode.valueOf(1));
            }
            assertThat(succeededEvents.values())
                    .allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(invocations).hasSize(500);
            long duplicates =
                    invocations.values().stream().filter(c -> c.get() > 1).count();
            assertThat(duplicates).as("jobs whose handler ran more than once").isZero();
            events.close();
        }
    }
}
