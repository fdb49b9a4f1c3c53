package dev.offload.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.gateway.cache.AsyncCacheStore;
import dev.offload.gateway.cache.CacheMetrics;
import dev.offload.gateway.cache.CacheStatus;
import dev.offload.model.Job;
import dev.offload.model.JobSpec;
import dev.offload.model.JobState;
import dev.offload.model.Json;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, per tenant, the latest job submitted for each (type, payload) of the cacheable job types
 * ({@code jobs.cacheableTypes}), so that an identical later submission can be answered with that job once it
 * succeeded. The identity is a digest of tenant, type and the payload as canonical JSON (object members sorted by
 * name, no whitespace), so member order and formatting do not matter; other submission fields (queue, priority,
 * metadata, …) do not change a result and are not part of it.
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

    boolean covers(String type) {
        return cacheableTypes.contains(type);
    }

    /** The id of the latest job the tenant submitted with this type and payload, if one is remembered. */
    Future<Optional<String>> latestJob(String tenant, JobSpec spec) {
        return store.get(key(tenant, spec))
                .map(value -> value.map(id -> new String(id, StandardCharsets.UTF_8)))
                .otherwise(failure -> {
                    LOG.warn(
                            "job result cache unavailable, treating a {} submission as a miss: {}",
                            spec.type(),
                            failure.toString());
                    return Optional.empty();
                });
    }

    /** Whether {@code earlier} answers a submission of {@code spec} by {@code tenant}: same job, succeeded. */
    static boolean answers(Job earlier, String tenant, JobSpec spec) {
        return earlier.tenant().equals(tenant)
                && earlier.state() == JobState.SUCCEEDED
                && earlier.spec().type().equals(spec.type())
                && earlier.spec().payload().equals(spec.payload());
    }

    /**
     * Remembers {@code job} as the latest of its identity until it has surely expired from the job store: until it is
     * due, plus every attempt's timeout, plus its retention. Failures are logged and ignored.
     */
    void remember(Job job, Instant now) {
        JobSpec spec = job.spec();
        Duration untilDue =
                job.dueAt() == null || job.dueAt().isBefore(now) ? Duration.ZERO : Duration.between(now, job.dueAt());
        Duration ttl =
                untilDue.plus(spec.timeout().multipliedBy(spec.maxAttempts())).plus(spec.retention());
        store.put(key(job.tenant(), spec), job.id().getBytes(StandardCharsets.UTF_8), ttl)
                .onFailure(
                        e -> LOG.warn("job {}: could not remember it in the result cache: {}", job.id(), e.toString()));
    }

    void record(String type, CacheStatus status) {
        metrics.record(cacheName(type), status);
    }

    void recordBypass(String type) {
        metrics.record(cacheName(type), CacheMetrics.BYPASS);
    }

    /** The metrics' {@code cache} tag: {@code job:<type>}, apart from route names. */
    private static String cacheName(String type) {
        return "job:" + type;
    }

    private static String key(String tenant, JobSpec spec) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((tenant + '\u0000' + spec.type() + '\u0000').getBytes(StandardCharsets.UTF_8));
            digest.update(Json.toBytes(canonical(spec.payload())));
            return "job:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** The value with every object's members sorted by name, recursively. */
    static JsonNode canonical(JsonNode value) {
        if (value.isObject()) {
            List<String> names = new ArrayList<>();
            value.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            var sorted = Json.MAPPER.createObjectNode();
            names.forEach(name -> sorted.set(name, canonical(value.get(name))));
            return sorted;
        }
        if (value.isArray()) {
            var array = Json.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
                array.add(canonical(it.next()));
            }
            return array;
        }
        return value;
    }
}
