package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.offload.worker.HandlerRegistry;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work for the shared-work tests: {@code test.count} jobs submitted concurrently over HTTP, and a handler that counts
 * how often each job ran (its result is that count, so a second run would show).
 */
final class CountingWork {
    private CountingWork() {}

    /** Submits {@code count} {@code test.count} jobs to {@code queue}, spread over the gateways; all must get 202. */
    static List<String> submitConcurrently(List<ApiClient> gateways, int count, String queue) throws Exception {
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

    static HandlerRegistry handlers(Map<String, AtomicInteger> invocations) {
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
}
