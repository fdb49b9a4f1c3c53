package dev.offload.store;

import dev.offload.config.ConfigKey;
import dev.offload.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Timings that the gateway and the workers must agree on, because one sets a timer that the other acts on.
 *
 * @param publishGrace {@code jobs.publishGrace}: how long the gateway has to confirm that the broker took a new job's
 *     message before the scheduler publishes the job itself
 */
public record JobTimings(Duration publishGrace) {

    public static final ConfigKey<Duration> PUBLISH_GRACE = ConfigKey.in("Jobs", "jobs.publishGrace")
            .rare()
            .doc("How long the gateway has to confirm a new job's publication to the broker before the workers'"
                    + " scheduler publishes it instead. Longer than the broker's publish timeout.")
            .duration(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));

    public JobTimings {
        Objects.requireNonNull(publishGrace, "jobs.publishGrace");
        if (publishGrace.isNegative() || publishGrace.isZero()) {
            throw new IllegalArgumentException("jobs.publishGrace must be positive, but was " + publishGrace);
        }
    }

    public static JobTimings defaults() {
        return new JobTimings(PUBLISH_GRACE.defaultValue());
    }

    /** The keys declared here (shared: the gateway sets the timer and the workers act on it). */
    public static List<ConfigKey<?>> keys() {
        return List.of(PUBLISH_GRACE);
    }

    public static JobTimings from(Settings settings) {
        return new JobTimings(settings.get(PUBLISH_GRACE));
    }
}
