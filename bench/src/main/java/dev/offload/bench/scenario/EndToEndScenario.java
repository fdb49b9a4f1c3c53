package dev.offload.bench.scenario;

import dev.offload.bench.load.Operation;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * End-to-end latency of no-op jobs: submit a demo.echo job, then long-poll {@code GET /v1/jobs/{id}?wait=30} until it
 * is final. The latency runs from the submission's intended time to the response that shows {@code succeeded}, so it
 * holds the gateway, the broker, the worker, the store and the wake-up of the waiting request.
 */
public final class EndToEndScenario implements Scenario {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final HttpTarget target;
    private final BodyTemplate body;
    private final JobLedger ledger = new JobLedger();

    public EndToEndScenario(HttpTarget target, BodyTemplate body) {
        this.target = target;
        this.body = body;
    }

    @Override
    public Operation operation() {
        return sequence -> target.post("/v1/jobs", body.render(sequence)).compose(reply -> {
            if (reply.status() != 202) {
                return Future.succeededFuture(Operation.Result.error("submit status " + reply.status()));
            }
            String id = ledger.accepted(reply.body().toJsonObject());
            return JobWaits.untilFinal(target, id, System.nanoTime() + GIVE_UP_AFTER.toNanos())
                    .map(job -> "succeeded".equals(JobWaits.state(job))
                            ? Operation.Result.ok()
                            : Operation.Result.error("job " + JobWaits.state(job)));
        });
    }

    @Override
    public List<String> jobsToVerify() {
        return ledger.ids();
    }
}
