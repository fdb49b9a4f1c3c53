package dev.offload.worker.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.JobHandler;
import dev.offload.worker.spi.PermanentJobFailure;

/**
 * {@code demo.fail}: payload {@code {"message"?: text, "permanent"?: bool, "failAttempts"?: n}}. Fails with
 * {@code message}; with {@code failAttempts} it fails only the first {@code n} attempts and then succeeds with
 * {@code {"attempt": k}}; with {@code permanent} the failure is a {@link PermanentJobFailure} (no retry). Shows the
 * retry and dead-letter paths. Thread-safe, stateless.
 */
public final class FailHandler implements JobHandler {
    public static final String TYPE = "demo.fail";
    private static final String DEFAULT_MESSAGE = "demo.fail failed as asked";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode handle(JobContext context) throws Exception {
        Request request = Request.of(context.payload());
        if (request.failAttempts() >= 0 && context.attempt() > request.failAttempts()) {
            return JsonNodeFactory.instance.objectNode().put("attempt", context.attempt());
        }
        if (request.permanent()) {
            throw new PermanentJobFailure(request.message());
        }
        throw new DemoFailure(request.message());
    }

    /** The retryable failure this handler throws; a named type, so that the job error reads well. */
    static final class DemoFailure extends Exception {
        DemoFailure(String message) {
            super(message);
        }
    }

    /** The validated payload; {@code failAttempts} is -1 when absent (fail every attempt). */
    private record Request(String message, boolean permanent, int failAttempts) {
        static Request of(JsonNode payload) throws PermanentJobFailure {
            if (!payload.isObject() && !payload.isNull()) {
                throw invalid(payload);
            }
            JsonNode message = payload.path("message");
            JsonNode permanent = payload.path("permanent");
            JsonNode failAttempts = payload.path("failAttempts");
            boolean valid = (message.isMissingNode() || message.isTextual())
                    && (permanent.isMissingNode() || permanent.isBoolean())
                    && (failAttempts.isMissingNode() || (failAttempts.isInt() && failAttempts.asInt() >= 0));
            if (!valid) {
                throw invalid(payload);
            }
            return new Request(
                    message.isTextual() ? message.asText() : DEFAULT_MESSAGE,
                    permanent.asBoolean(false),
                    failAttempts.isMissingNode() ? -1 : failAttempts.asInt());
        }

        private static PermanentJobFailure invalid(JsonNode payload) {
            return new PermanentJobFailure("demo.fail takes a payload {\"message\"?: string, \"permanent\"?: boolean,"
                    + " \"failAttempts\"?: integer >= 0}, but got " + payload);
        }
    }
}
