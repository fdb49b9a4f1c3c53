package dev.offload.worker;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import dev.offload.store.JobTimings;
import dev.offload.transport.ConsumerOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a {@link Worker} runs jobs. Valid by construction: the constructor rejects bad values with a message that names
 * the configuration key. Immutable and thread-safe.
 *
 * @param id {@code worker.id}: this instance's name, recorded as the owner of the leases it holds; unique per process
 * @param concurrency {@code worker.concurrency}: jobs run at once, each on its own virtual thread; also the
 *     consumer's maximum of unacknowledged messages
 * @param leaseDuration {@code worker.leaseDuration}: how long a claim on a running job lasts without a heartbeat
 * @param heartbeatInterval {@code worker.heartbeatInterval}: how often a running job's lease is renewed; less than
 *     half of the lease, so that one missed heartbeat does not lose it
 * @param retryBackoff {@code worker.retryBackoff}: the wait between a failed attempt and the next one
 * @param schedulerInterval {@code worker.schedulerInterval}: how often the scheduler looks for due timers
 * @param shutdownGrace {@code worker.shutdownGrace}: how long a graceful stop lets running jobs finish
 * @param publishGrace {@code jobs.publishGrace} (see {@link JobTimings}): the hold on a timer the scheduler took
 */
public record WorkerConfig(
        String id,
        int concurrency,
        Duration leaseDuration,
        Duration heartbeatInterval,
        Duration retryBackoff,
        Duration schedulerInterval,
        Duration shutdownGrace,
        Duration publishGrace) {

    private static final String GROUP = "Worker";

    public static final ConfigKey<String> ID = ConfigKey.in(GROUP, "worker.id")
            .rare()
            .doc("This worker's name, recorded as the owner of the job leases it holds; must be unique per process."
                    + " Default: the host name and a random suffix.")
            .string(null);
    public static final ConfigKey<Integer> CONCURRENCY = ConfigKey.in(GROUP, "worker.concurrency")
            .essential()
            .doc("Jobs one worker runs at once, each on its own virtual thread; also the number of unacknowledged"
                    + " messages the consumer takes.")
            .integer(64, 1, 10_000);
    public static final ConfigKey<Duration> LEASE_DURATION = ConfigKey.in(GROUP, "worker.leaseDuration")
            .doc("How long a worker's claim on a running job lasts without a heartbeat; after that the job runs"
                    + " again as its next attempt (the time to recover from a crashed worker).")
            .duration(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
    public static final ConfigKey<Duration> HEARTBEAT_INTERVAL = ConfigKey.in(GROUP, "worker.heartbeatInterval")
            .rare()
            .doc("How often a running job's lease is renewed; must be less than half of worker.leaseDuration.")
            .duration(Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(30));
    public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.in(GROUP, "worker.retryBackoff")
            .doc("The wait between a failed attempt and the next one (a fixed backoff).")
            .duration(Duration.ofSeconds(5), Duration.ZERO, Duration.ofDays(1));
    public static final ConfigKey<Duration> SCHEDULER_INTERVAL = ConfigKey.in(GROUP, "worker.schedulerInterval")
            .rare()
            .doc("How often each worker's scheduler looks for due delayed jobs, retries, unpublished jobs and"
                    + " expired leases.")
            .duration(Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMinutes(5));
    public static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.in(GROUP, "worker.shutdownGrace")
            .doc("How long a graceful stop lets running jobs finish; the rest are interrupted and run again after"
                    + " their lease expires.")
            .duration(Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));

    public WorkerConfig {
        List<String> problems = new ArrayList<>();
        if (id == null || id.isBlank()) {
            problems.add("worker.id must not be blank");
        }
        if (concurrency < 1) {
            problems.add("worker.concurrency must be at least 1, but was " + concurrency);
        }
        requirePositive(problems, "worker.leaseDuration", leaseDuration);
        requirePositive(problems, "worker.heartbeatInterval", heartbeatInterval);
        requirePositive(problems, "worker.schedulerInterval", schedulerInterval);
        requirePositive(problems, "jobs.publishGrace", publishGrace);
        requireNotNegative(problems, "worker.retryBackoff", retryBackoff);
        requireNotNegative(problems, "worker.shutdownGrace", shutdownGrace);
        if (problems.isEmpty() && !heartbeatFitsLease(heartbeatInterval, leaseDuration)) {
            problems.add(heartbeatProblem(heartbeatInterval, leaseDuration));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults of every key, with a generated {@link #id()}. */
    public static WorkerConfig defaults() {
        return new WorkerConfig(
                defaultId(),
                CONCURRENCY.defaultValue(),
                LEASE_DURATION.defaultValue(),
                HEARTBEAT_INTERVAL.defaultValue(),
                RETRY_BACKOFF.defaultValue(),
                SCHEDULER_INTERVAL.defaultValue(),
                SHUTDOWN_GRACE.defaultValue(),
                JobTimings.PUBLISH_GRACE.defaultValue());
    }

    /** The worker's keys; {@code jobs.publishGrace} is declared by {@link JobTimings#keys()}. */
    public static List<ConfigKey<?>> keys() {
        return List.of(
                ID, CONCURRENCY, LEASE_DURATION, HEARTBEAT_INTERVAL, RETRY_BACKOFF, SCHEDULER_INTERVAL, SHUTDOWN_GRACE);
    }

    /**
     * Reads the worker's keys and {@code jobs.publishGrace}. Problems, including a heartbeat too long for the lease,
     * are recorded in {@code settings} (reported together by {@link Settings#validate}); the defaults stand in for
     * the offending values meanwhile, so call {@code validate} before using the result.
     */
    public static WorkerConfig from(Settings settings) {
        String id = settings.get(ID);
        Duration lease = settings.get(LEASE_DURATION);
        Duration heartbeat = settings.get(HEARTBEAT_INTERVAL);
        if (!heartbeatFitsLease(heartbeat, lease)) {
            settings.reject(heartbeatProblem(heartbeat, lease));
            lease = LEASE_DURATION.defaultValue();
            heartbeat = HEARTBEAT_INTERVAL.defaultValue();
        }
        return new WorkerConfig(
                id == null || id.isBlank() ? defaultId() : id,
                settings.get(CONCURRENCY),
                lease,
                heartbeat,
                settings.get(RETRY_BACKOFF),
                settings.get(SCHEDULER_INTERVAL),
                settings.get(SHUTDOWN_GRACE),
                settings.get(JobTimings.PUBLISH_GRACE));
    }

    /** This configuration with another {@link #id()}; handy for several workers in one test or process. */
    public WorkerConfig withId(String newId) {
        return new WorkerConfig(
                newId,
                concurrency,
                leaseDuration,
                heartbeatInterval,
                retryBackoff,
                schedulerInterval,
                shutdownGrace,
                publishGrace);
    }

    /**
     * The options of the consumer that feeds this worker: {@link #concurrency()} messages in flight and a stop that
     * waits {@link #shutdownGrace()}, as {@link Worker#stop()} does.
     */
    public ConsumerOptions consumerOptions(List<String> queues, String groupId) {
        return new ConsumerOptions(queues, groupId, concurrency, shutdownGrace);
    }

    private static boolean heartbeatFitsLease(Duration heartbeat, Duration lease) {
        return heartbeat.multipliedBy(2).compareTo(lease) < 0;
    }

    private static String heartbeatProblem(Duration heartbeat, Duration lease) {
        return "worker.heartbeatInterval must be less than half of worker.leaseDuration, but was " + heartbeat
                + " with worker.leaseDuration " + lease;
    }

    private static void requirePositive(List<String> problems, String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(key + " must be positive, but was " + value);
        }
    }

    private static void requireNotNegative(List<String> problems, String key, Duration value) {
        if (value == null || value.isNegative()) {
            problems.add(key + " must not be negative, but was " + value);
        }
    }

    static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host.toLowerCase(Locale.ROOT) + "-" + randomSuffix();
    }

    private static String randomSuffix() {
        SecureRandom random = new SecureRandom();
        char[] alphabet = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
        char[] suffix = new char[6];
        for (int i = 0; i < suffix.length; i++) {
            suffix[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(suffix);
    }
}
