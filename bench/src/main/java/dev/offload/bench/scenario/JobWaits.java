package dev.offload.bench.scenario;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Follows one job by long-polling until it reaches a final state or a deadline passes. Stateless; the returned
 * futures complete on the caller's event loop.
 */
final class JobWaits {

    private static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled");

    private JobWaits() {}

    /** The job document once final, or the last one seen at the deadline; fails on a status other than 200. */
    static Future<JsonObject> untilFinal(HttpTarget target, String jobId, long deadlineNanos) {
        return target.awaitChange(jobId).compose(reply -> {
            if (reply.status() != 200) {
                return Future.failedFuture(new IllegalStateException("status " + reply.status()));
            }
            JsonObject job = reply.body().toJsonObject();
            if (isFinal(job) || System.nanoTime() >= deadlineNanos) {
                return Future.succeededFuture(job);
            }
            return untilFinal(target, jobId, deadlineNanos);
        });
    }

    static boolean isFinal(JsonObject job) {
        return FINAL.contains(job.getString("state"));
    }

    static String state(JsonObject job) {
        return job.getString("state");
    }
}
