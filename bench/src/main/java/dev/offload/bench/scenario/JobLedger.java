package dev.offload.bench.scenario;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The ids of the jobs a run submitted (answered 202). Thread-safe; grows with the run (one id per job). */
final class JobLedger {

    private final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();

    /** Records the job of a 202 body and returns its id. */
    String accepted(JsonObject job) {
        String id = job.getString("id");
        if (id == null) {
            throw new IllegalStateException("a 202 answer has no job id: " + job.encode());
        }
        ids.add(id);
        return id;
    }

    List<String> ids() {
        return List.copyOf(ids);
    }
}
