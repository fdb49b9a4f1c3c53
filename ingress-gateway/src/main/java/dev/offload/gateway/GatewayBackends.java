package dev.offload.gateway;

import dev.offload.store.CacheStore;
import dev.offload.store.JobStore;
import dev.offload.store.RateLimitStore;
import dev.offload.transport.JobPublisher;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a gateway talks to besides HTTP clients: the job store, the broker publisher, the response cache, the
 * rate-limit buckets and the broker backlog probe used for load shedding. The gateway closes the cache and the
 * rate-limit store when it stops; the store and publisher belong to the caller.
 *
 * @param store where jobs live
 * @param publisher the broker side of accepting a job
 * @param cache cached responses and finished results of cacheable job types (Redis, shared by all replicas;
 *     in-process in standalone mode)
 * @param rateLimits the rate-limit buckets, shared by every gateway that must enforce one limit
 * @param backlog the broker backlog (messages waiting), e.g. {@code transport::backlog}
 */
public record GatewayBackends(
        JobStore store,
        JobPublisher publisher,
        CacheStore cache,
        RateLimitStore rateLimits,
        Supplier<Future<Long>> backlog) {

    public GatewayBackends {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(backlog, "backlog");
    }

    /** A probe for deployments that measure no backlog: shedding on backlog then never starts. */
    public static Supplier<Future<Long>> noBacklogProbe() {
        return () -> Future.failedFuture(new UnsupportedOperationException("no broker backlog probe"));
    }
}
