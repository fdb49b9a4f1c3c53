package dev.offload.bench.scenario;

import dev.offload.bench.report.RunReport.Verification;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Checks at the end of a run that every submitted job reached {@code succeeded}: a GET (long-polling while the job is
 * not final) per job, {@value #PARALLEL} at a time, until one shared deadline. A job that is not found, failed, or is
 * still unfinished at the deadline is reported with what was seen. Not thread-safe; {@link #verify} blocks.
 */
public final class JobVerifier {

    public static final int PARALLEL = 64;

    private final Vertx vertx;
    private final HttpTarget target;

    public JobVerifier(Vertx vertx, HttpTarget target) {
        this.vertx = vertx;
        this.target = target;
    }

    /** Verifies {@code jobIds}; waits at most {@code patience} for unfinished jobs. */
    public Verification verify(List<String> jobIds, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, String> notSucceeded = new TreeMap<>();
        Iterator<String> pending = jobIds.iterator();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            List<Future<Void>> lanes = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                lanes.add(lane(pending, deadline, notSucceeded));
            }
            Future.join(lanes).onComplete(x -> done.complete(null));
        });
        try {
            done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("verification failed", e);
        }
        return new Verification(jobIds.size(), jobIds.size() - notSucceeded.size(), notSucceeded);
    }

    // Runs on one event loop: the iterator and the map are only touched there. A lane completes its own promise once,
    // when nothing is left: chaining one promise per job instead built a chain as long as the lane's share of the jobs,
    // and completing it overflowed the stack after 780,000 jobs.
    private Future<Void> lane(Iterator<String> pending, long deadline, Map<String, String> notSucceeded) {
        Promise<Void> laneDone = Promise.promise();
        next(pending, deadline, notSucceeded, laneDone);
        return laneDone.future();
    }

    private void next(
            Iterator<String> pending, long deadline, Map<String, String> notSucceeded, Promise<Void> laneDone) {
        if (!pending.hasNext()) {
            laneDone.complete();
            return;
        }
        String id = pending.next();
        JobWaits.untilFinal(target, id, deadline).onComplete(result -> {
            if (result.failed()) {
                notSucceeded.put(id, String.valueOf(result.cause().getMessage()));
            } else if (!"succeeded".equals(JobWaits.state(result.result()))) {
                notSucceeded.put(id, JobWaits.state(result.result()));
            }
            next(pending, deadline, notSucceeded, laneDone);
        });
    }
}
