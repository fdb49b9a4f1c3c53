package dev.offload.gateway;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.store.JobTimings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a submission gets when it does not say otherwise, and what it may ask for.
 *
 * @param types the job types accepted at submission (a worker must have a handler for each)
 * @param queues the logical queues that exist
 * @param timeout default per-attempt timeout
 * @param maxAttempts default attempts before a job fails
 * @param retention default time a finished job and its result are kept
 * @param idempotencyTtl how long an Idempotency-Key stays reserved
 * @param publishGrace how long the gateway has to confirm a publication before the scheduler publishes the job
 * @param cacheableTypes the types whose identical submissions (same tenant, same payload) are answered with an
 *     earlier job's finished result instead of running again
 */
public record JobDefaults(
        Set<String> types,
        Set<String> queues,
        Duration timeout,
        int maxAttempts,
        Duration retention,
        Duration idempotencyTtl,
        Duration publishGrace,
        Set<String> cacheableTypes) {

    private static final String GROUP = "Jobs";

    public static final ConfigKey<List<String>> TYPES = ConfigKey.in(GROUP, "jobs.types")
            .essential()
            .doc("Job types the gateway accepts; others are refused with 422 unknown-job-type. Workers must have a"
                    + " handler for each.")
            .list(List.of("demo.sleep", "demo.echo", "demo.fail"));
    public static final ConfigKey<Duration> TIMEOUT = ConfigKey.in(GROUP, "jobs.defaultTimeout")
            .doc("Per-attempt timeout when a submission gives no timeoutSeconds.")
            .duration(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
    public static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.in(GROUP, "jobs.defaultMaxAttempts")
            .doc("Attempts when a submission gives no maxAttempts.")
            .integer(3, 1, 100);
    public static final ConfigKey<Duration> RETENTION = ConfigKey.in(GROUP, "jobs.defaultRetention")
            .doc("How long a job record and its result are kept after it finished, when the submission gives no"
                    + " resultTtlSeconds.")
            .duration(Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofDays(30));
    public static final ConfigKey<Duration> IDEMPOTENCY_TTL = ConfigKey.in(GROUP, "jobs.idempotencyTtl")
            .doc("How long an Idempotency-Key stays reserved after its first use.")
            .duration(Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(30));
    public static final ConfigKey<List<String>> CACHEABLE_TYPES = ConfigKey.in(GROUP, "jobs.cacheableTypes")
            .doc("Job types whose results are reused: a submission of one of them with the same payload (compared"
                    + " as canonical JSON) as an earlier job of the same tenant that succeeded, and is still kept, is"
                    + " answered 200 with that job's document and `X-Cache: HIT` instead of running again. Only for"
                    + " handlers whose result depends on the payload alone. Each must be one of jobs.types.")
            .list(List.of());

    public JobDefaults {
        types = Set.copyOf(types);
        queues = Set.copyOf(queues);
        cacheableTypes = Set.copyOf(cacheableTypes);
    }

    public static List<ConfigKey<?>> keys() {
        return List.of(TYPES, TIMEOUT, MAX_ATTEMPTS, RETENTION, IDEMPOTENCY_TTL, CACHEABLE_TYPES);
    }

    /**
     * Reads the job keys; {@code queues} come from the transport configuration and {@code publishGrace} from the
     * {@link JobTimings} shared with the workers.
     */
    public static JobDefaults from(Settings settings, Set<String> queues) {
        Set<String> types = Set.copyOf(settings.get(TYPES));
        Set<String> cacheable = new TreeSet<>(settings.get(CACHEABLE_TYPES));
        if (!types.containsAll(cacheable)) {
            cacheable.removeAll(types);
            settings.reject(CACHEABLE_TYPES.name() + " must list only types of " + TYPES.name() + ", but " + cacheable
                    + " are not among " + new TreeSet<>(types));
            cacheable.clear();
        }
        return new JobDefaults(
                types,
                queues,
                settings.get(TIMEOUT),
                settings.get(MAX_ATTEMPTS),
                settings.get(RETENTION),
                settings.get(IDEMPOTENCY_TTL),
                JobTimings.from(settings).publishGrace(),
                cacheable);
    }
}
