package dev.offload.gateway.jobs;

import dev.offload.gateway.cache.AsyncCacheStore;
import dev.offload.gateway.cache.CacheMetrics;
import dev.offload.gateway.cache.CacheStatus;
import dev.offload.model.Job;
import dev.offload.model.JobSpec;
import dev.offload.model.JobState;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the latest job submitted under each {@link ResultKey}, so that an identical later submission can be
 * answered with that job once it succeeded: submissions of the cacheable job types ({@code jobs.cacheableTypes},
 * keyed by tenant, type and canonical payload) and GET/HEAD requests of async routes with {@code cache.enabled}
 * (keyed by tenant and the request, see {@link ResultKey#ofRouteRequest}).
 *
 * <p>The entry points to a job id, not to the result: the job store stays the one source of the result, and an
 * entry whose job failed, was cancelled or expired simply misses. Best effort: a cache that cannot be reached means
 * a miss, never a failed submission. Thread-safe; its futures complete on the caller's context.
 */
final class JobResultCache {
    private static final Logger LOG = LoggerFactory.getLogger(JobResultCache.class);

    private final AsyncCacheStore store;
    private final CacheMetrics metrics;
    private final Set<String> cacheableTypes;

    JobResultCache(AsyncCacheStore store, CacheMetrics metrics, Set<String> cacheableTypes) {
        this.store = store;
        this.metrics = metrics;
        this.cacheableTypes = Set.copyOf(cacheableTypes);
    }

    /** The key of a submission by {@code tenant}, or empty when its type is not cacheable. */
    Optional<ResultKey> keyOf(String tenant, JobSpec spec) {
        return cacheableTypes.contains(spec.type())
                ? Optional.of(ResultKey.ofSubmission(tenant, spec))
                : Optional.empty();
    }

    /** The id of the latest job submitted under {@code key}, if one is remembered. */
    Future<Optional<String>> latestJob(ResultKey key) {
        return store.get(storeKey(key))
                .map(value -> value.map(id -> new String(id, StandardCharsets.UTF_8)))
                .otherwise(failure -> {
                    LOG.warn(
                            "job result cache unavailable, treating a request of {} as a miss: {}",
                            key.cache(),
                            failure.toString());
                    return Optional.empty();
                });
    }

    /**
     * Whether {@code earlier}, the job remembered under {@code key}, answers a submission of {@code spec} by
     * {@code tenant} at {@code now}: the tenant's, of the same type, succeeded, and finished no longer than the key's
     * {@code maxAge} ago. (That it was submitted under the same key is what the digest in the key says.)
     */
    static boolean answers(Job earlier, String tenant, JobSpec spec, ResultKey key, Instant now) {
        return earlier.tenant().equals(tenant)
                && earlier.state() == JobState.SUCCEEDED
                && earlier.spec().type().equals(spec.type())
                && (key.maxAge().isZero()
                        || earlier.finishedAt().plus(key.maxAge()).isAfter(now));
    }

    /**
     * Remembers {@code job} as the latest under {@code key} until it has surely expired from the job store (until it
     * is due, plus every attempt's timeout, plus its retention) or its result is too old to answer (the key's
     * {@code maxAge} instead of the retention, if shorter). Failures are logged and ignored.
     */
    void remember(ResultKey key, Job job, Instant now) {
        JobSpec spec = job.spec();
        Duration untilDue =
                job.dueAt() == null || job.dueAt().isBefore(now) ? Duration.ZERO : Duration.between(now, job.dueAt());
        Duration useful =
                key.maxAge().isZero() || key.maxAge().compareTo(spec.retention()) > 0 ? spec.retention() : key.maxAge();
        Duration ttl =
                untilDue.plus(spec.timeout().multipliedBy(spec.maxAttempts())).plus(useful);
        store.put(storeKey(key), job.id().getBytes(StandardCharsets.UTF_8), ttl)
                .onFailure(
                        e -> LOG.warn("job {}: could not remember it in the result cache: {}", job.id(), e.toString()));
    }

    void record(ResultKey key, CacheStatus status) {
        metrics.record(key.cache(), status);
    }

    void recordBypass(ResultKey key) {
        metrics.record(key.cache(), CacheMetrics.BYPASS);
    }

    private static String storeKey(ResultKey key) {
        return "job:" + key.digest();
    }
}
