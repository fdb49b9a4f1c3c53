package dev.offload.bench.scenario;

import dev.offload.bench.load.LoadPlan;
import dev.offload.bench.load.Operation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * End-to-end latency of no-op jobs: submit a demo.echo job, then long-poll {@code GET /v1/jobs/{id}?wait=30} until it
 * is final. The latency runs from the submission's intended time to the response that shows {@code succeeded}, so it
 * holds the gateway, the broker, the worker, the store and the wake-up of the waiting request.
 *
 * <p>Each measured job's latency is also broken down into phases, from the client's clock and the job's own stamps
 * (one machine, one clock): {@value #ACCEPT} (submit sent → 202: store write and broker ack), {@value #QUEUED}
 * ({@code createdAt} → {@code startedAt}: publish, broker, consumer, claim), {@value #RUN} ({@code startedAt} →
 * {@code finishedAt}: the handler and the completing write) and {@value #NOTIFY} ({@code finishedAt} → the answer
 * showing it: the job event and the long-poll's wake-up). Accept and queued overlap (the job is created before the
 * 202), so the phases do not add up to the whole.
 */
public final class EndToEndScenario implements Scenario {
    static final String ACCEPT = "accept";
    static final String QUEUED = "queued";
    static final String RUN = "run";
    static final String NOTIFY = "notify";

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final HttpTarget target;
    private final BodyTemplate body;
    private final JobLedger ledger = new JobLedger();
    private final PhaseTimes phases = new PhaseTimes(List.of(ACCEPT, QUEUED, RUN, NOTIFY));

    public EndToEndScenario(HttpTarget target, BodyTemplate body) {
        this.target = target;
        this.body = body;
    }

    @Override
    public void begin(LoadPlan plan) {
        phases.begin(plan);
    }

    @Override
    public Map<String, Map<String, Double>> phasesMs() {
        return phases.percentilesMs();
    }

    @Override
    public Operation operation() {
        return sequence -> {
            long sent = System.nanoTime();
            return target.post("/v1/jobs", body.render(sequence)).compose(reply -> {
                if (reply.status() != 202) {
                    return Future.succeededFuture(Operation.Result.error("submit status " + reply.status()));
                }
                long accepted = System.nanoTime();
                String id = ledger.accepted(reply.body().toJsonObject());
                return JobWaits.untilFinal(target, id, System.nanoTime() + GIVE_UP_AFTER.toNanos())
                        .map(job -> {
                            if (!"succeeded".equals(JobWaits.state(job))) {
                                return Operation.Result.error("job " + JobWaits.state(job));
                            }
                            record(sequence, accepted - sent, job, Instant.now());
                            return Operation.Result.ok();
                        });
            });
        };
    }

    /** Every operation's phases, the warm-up's too (see {@link PhaseTimes}). */
    private void record(long sequence, long acceptNanos, JsonObject job, Instant seen) {
        Instant created = Instant.parse(job.getString("createdAt"));
        Instant started = Instant.parse(job.getString("startedAt"));
        Instant finished = Instant.parse(job.getString("finishedAt"));
        phases.record(sequence, ACCEPT, acceptNanos);
        phases.record(sequence, QUEUED, Duration.between(created, started).toNanos());
        phases.record(sequence, RUN, Duration.between(started, finished).toNanos());
        phases.record(sequence, NOTIFY, Duration.between(finished, seen).toNanos());
    }

    @Override
    public List<String> jobsToVerify() {
        return ledger.ids();
    }
}
