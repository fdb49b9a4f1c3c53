package dev.offload.bench.scenario;

import dev.offload.bench.load.Operation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Polling throughput on finished jobs: {@link #prepare()} submits {@code jobs} demo.echo jobs and waits until they
 * succeeded; each operation then GETs one of them (round robin) and expects 200 with state {@code succeeded}.
 */
public final class PollScenario implements Scenario {

    private static final Duration PREPARE_PATIENCE = Duration.ofMinutes(2);

    private final Vertx vertx;
    private final HttpTarget target;
    private final int jobs;
    private final List<String> ids = new ArrayList<>();

    public PollScenario(Vertx vertx, HttpTarget target, int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1, but was " + jobs);
        }
        this.vertx = vertx;
        this.target = target;
        this.jobs = jobs;
    }

    @Override
    public void prepare() throws InterruptedException {
        for (int i = 0; i < jobs; i++) {
            CompletableFuture<String> id = new CompletableFuture<>();
            Buffer body = Buffer.buffer("{\"type\":\"demo.echo\",\"payload\":{\"poll\":" + i + "}}");
            vertx.runOnContext(v -> target.post("/v1/jobs", body).onComplete(reply -> {
                if (reply.succeeded() && reply.result().status() == 202) {
                    id.complete(reply.result().body().toJsonObject().getString("id"));
                } else {
                    id.completeExceptionally(new IllegalStateException("preparing the poll scenario: submit failed: "
                            + (reply.succeeded() ? "status " + reply.result().status() : reply.cause())));
                }
            }));
            try {
                ids.add(id.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e);
            }
        }
        var check = new JobVerifier(vertx, target).verify(ids, PREPARE_PATIENCE);
        if (!check.passed()) {
            throw new IllegalStateException(
                    "preparing the poll scenario: jobs did not succeed: " + check.notSucceeded());
        }
    }

    @Override
    public Operation operation() {
        return sequence -> target.get("/v1/jobs/" + ids.get((int) (sequence % ids.size())))
                .map(reply -> reply.status() == 200
                                && "succeeded"
                                        .equals(JobWaits.state(reply.body().toJsonObject()))
                        ? Operation.Result.ok()
                        : Operation.Result.error("status " + reply.status()));
    }

    @Override
    public List<String> jobsToVerify() {
        return List.copyOf(ids);
    }
}
