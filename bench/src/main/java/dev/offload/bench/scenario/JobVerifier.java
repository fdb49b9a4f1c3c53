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

    // Runs on one event loop: the iterator and the map are only touched there.
    private Future<Void> lane(Iterator<String> pending, long deadline, Map<String, String> notSucceeded) {
        if (!pending.hasNext()) {
            return Future.succeededFuture();
        }
        String id = pending.next();
        Promise<Void> next = Promise.promise();
        JobWaits.untilFinal(target, id, deadline).onComplete(result -> {
            if (result.failed()) {
                notSucceeded.put(id, String.valueOf(result.cause().getMessage()));
            } else if (!"succeeded".equals(JobWaits.state(result.result()))) {
                notSucceeded.put(id, JobWaits.state(result.result()));
            }
            lane(pending, deadline, notSucceeded).onComplete(next);
        });
        return next.future();
    }
}
