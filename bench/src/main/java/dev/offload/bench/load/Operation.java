package dev.offload.bench.load;

import io.vertx.core.Future;

/**
 * One unit of load: a request, or a chain of requests (submit, then long-poll until the job finished). The generator
 * starts it at its intended time and measures it; the operation only says how it ended.
 *
 * <p>Called on the generator's event loop; must not block. The returned future may complete on any thread.
 */
@FunctionalInterface
public interface Operation {

    /** Starts operation number {@code sequence} (0, 1, 2, …); a failed future counts as an error by its cause. */
    Future<Result> start(long sequence);

    /**
     * How one operation ended.
     *
     * @param error null when it succeeded, else the error kind it is counted under ("status 503", "job failed", …)
     * @param latencyNanos the latency to record instead of the time since the intended start, or -1 to use that
     */
    record Result(String error, long latencyNanos) {

        private static final Result OK = new Result(null, -1);

        public static Result ok() {
            return OK;
        }

        /** Success with a latency the operation measured itself (the long-poll wake-up delay). */
        public static Result okWithLatency(long latencyNanos) {
            return new Result(null, Math.max(0, latencyNanos));
        }

        public static Result error(String kind) {
            return new Result(kind, -1);
        }

        public boolean isOk() {
            return error == null;
        }
    }
}
