package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code test.gate}: reports progress, then blocks until the test opens the gate (result {@code {"gate": "opened"}}) or
 * the worker interrupts it. Counts starts and interrupts, so tests can see what the worker did to the handler.
 */
final class GateHandler implements JobHandler {
    static final String TYPE = "test.gate";

    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) throws InterruptedException {
        started.incrementAndGet();
        context.reportProgress(10, "waiting at the gate");
        try {
            gate.await();
        } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
        }
        return JsonNodeFactory.instance.objectNode().put("gate", "opened");
    }

    void open() {
        gate.countDown();
    }

    int started() {
        return started.get();
    }

    int interrupted() {
        return interrupted.get();
    }
}
