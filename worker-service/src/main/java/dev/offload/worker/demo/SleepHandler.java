package dev.offload.worker.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import dev.offload.worker.spi.PermanentJobFailure;

/**
 * {@code demo.sleep}: payload {@code {"ms": n}}; sleeps {@code n} milliseconds in slices, reporting progress after
 * each, and succeeds with {@code {"sleptMs": n}}. Interruptible at every slice, so it shows cancellation and timeouts.
 * Thread-safe, stateless.
 */
public final class SleepHandler implements JobHandler {
    public static final String TYPE = "demo.sleep";
    static final long MAX_MS = 24L * 3600 * 1000;
    private static final int SLICES = 20;
    private static final long MIN_SLICE_MS = 50;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) throws PermanentJobFailure, InterruptedException {
        long total = requestedMillis(context.payload());
        long slice = Math.max(MIN_SLICE_MS, total / SLICES);
        long slept = 0;
        while (slept < total) {
            long step = Math.min(slice, total - slept);
            Thread.sleep(step);
            slept += step;
            context.reportProgress((int) (slept * 100 / total), "slept " + slept + " of " + total + " ms");
        }
        return JsonNodeFactory.instance.objectNode().put("sleptMs", total);
    }

    private static long requestedMillis(JsonNode payload) throws PermanentJobFailure {
        JsonNode ms = payload.path("ms");
        if (!ms.canConvertToLong() || !ms.isIntegralNumber() || ms.asLong() < 0 || ms.asLong() > MAX_MS) {
            throw new PermanentJobFailure("demo.sleep needs a payload {\"ms\": n} with n an integer from 0 to " + MAX_MS
                    + ", but got " + payload);
        }
        return ms.asLong();
    }
}
