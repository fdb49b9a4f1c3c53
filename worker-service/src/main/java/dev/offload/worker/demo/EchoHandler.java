package dev.offload.worker.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;

/** {@code demo.echo}: succeeds at once with its payload as the result. Thread-safe, stateless. */
public final class EchoHandler implements JobHandler {
    public static final String TYPE = "demo.echo";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) {
        return context.payload();
    }
}
