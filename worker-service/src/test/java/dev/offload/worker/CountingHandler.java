package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code test.count}: counts its invocations per job and succeeds with {@code {"jobId": id}}. Thread-safe. */
final class CountingHandler implements JobHandler {
    static final String TYPE = "test.count";
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) throws InterruptedException {
        invocations.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(5); // a little work, so that both workers hold jobs at once
        return JsonNodeFactory.instance.objectNode().put("jobId", context.jobId());
    }

    Map<String, AtomicInteger> invocations() {
        return invocations;
    }
}
