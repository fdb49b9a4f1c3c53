package dev.offload.standalone;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several gateways and workers share one deployment's work; every job's outcome is recorded exactly once. */
class SharedWorkIT {

    @Test
    void fiveHundredJobsAcrossTwoGatewaysAndTwoWorkersAllSucceedOnce() throws Exception {
        try (TestCluster cluster = new TestCluster();
                CountingWork work = new CountingWork(cluster)) {
            List<ApiClient> gateways = List.of(cluster.startGateway(), cluster.startGateway());
            cluster.startWorker(work.handlers());
            cluster.startWorker(work.handlers());

            List<String> ids = work.submitConcurrently(gateways, 500, "default");

            work.awaitSucceeded(ids, Duration.ofMinutes(2));
            work.assertEachSucceededExactlyOnce(ids);
        }
    }
}
