package dev.offload.bench.scenario;

import dev.offload.bench.load.Operation;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Long-poll fan-in: {@code clients} operations, each submitting a demo.sleep job and then waiting on it with
 * {@code GET /v1/jobs/{id}?wait=30} until it is final. Sleeps are staggered evenly over
 * {@code [sleepMin, sleepMin + sleepSpread)} so that jobs finish one after another while the others keep waiting.
 * The latency recorded is the wake-up delay: from the job's {@code finishedAt} to the response that shows it (same
 * machine, same clock; {@code finishedAt} has millisecond precision).
 */
public final class LongPollScenario implements Scenario {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);

    private final HttpTarget target;
    private final long clients;
    private final Duration sleepMin;
    private final Duration sleepSpread;
    private final JobLedger ledger = new JobLedger();

    public LongPollScenario(HttpTarget target, long clients, Duration sleepMin, Duration sleepSpread) {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, but was " + clients);
        }
        this.target = target;
        this.clients = clients;
        this.sleepMin = sleepMin;
        this.sleepSpread = sleepSpread;
    }

    /** The sleep of job {@code sequence}: evenly staggered over the spread. */
    long sleepMillis(long sequence) {
        return sleepMin.toMillis() + sleepSpread.toMillis() * (sequence % clients) / clients;
    }

    @Override
    public Operation operation() {
        return sequence -> {
            Buffer body = Buffer.buffer("{\"type\":\"demo.sleep\",\"payload\":{\"ms\":" + sleepMillis(sequence)
                    + "},\"timeoutSeconds\":600}");
            return target.post("/v1/jobs", body).compose(reply -> {
                if (reply.status() != 202) {
                    return Future.succeededFuture(Operation.Result.error("submit status " + reply.status()));
                }
                String id = ledger.accepted(reply.body().toJsonObject());
                return JobWaits.untilFinal(target, id, System.nanoTime() + GIVE_UP_AFTER.toNanos())
                        .map(LongPollScenario::woken);
            });
        };
    }

    private static Operation.Result woken(JsonObject job) {
        Instant seen = Instant.now();
        if (!"succeeded".equals(JobWaits.state(job))) {
            return Operation.Result.error("job " + JobWaits.state(job));
        }
        Instant finished = Instant.parse(job.getString("finishedAt"));
        return Operation.Result.okWithLatency(Duration.between(finished, seen).toNanos());
    }

    @Override
    public List<String> jobsToVerify() {
        return ledger.ids();
    }
}
