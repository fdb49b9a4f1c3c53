package dev.offload.store.embedded;

import dev.offload.store.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate-limit buckets in this process's memory, with the same GCRA arithmetic as the Redis script: for standalone mode,
 * where one process is the whole deployment. Thread-safe and
 * non-blocking (each bucket is updated atomically in a {@link ConcurrentHashMap#compute}).
 */
public final class LocalRateLimitStore implements RateLimitStore {
    private final Clock clock;
    /** bucket → theoretical arrival time in epoch ms. */
    private final ConcurrentHashMap<String, Double> buckets = new ConcurrentHashMap<>();
    /** Every 10,000 admissions the buckets whose quota is full again are dropped, so memory follows active callers. */
    private final AtomicLong admissions = new AtomicLong();

    public LocalRateLimitStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Admission admit(String bucket, long limit, Duration window) {
        double now = clock.millis();
        double windowMs = window.toMillis();
        double interval = windowMs / limit;
        Admission[] outcome = new Admission[1];
        buckets.compute(bucket, (name, stored) -> {
            double tat = stored == null || stored < now ? now : stored;
            double nextTat = tat + interval;
            double allowedFrom = nextTat - windowMs;
            if (allowedFrom > now) {
                outcome[0] = new Admission(false, 0, ceil(tat - now), ceil(allowedFrom - now));
                return stored;
            }
            long remaining = (long) Math.floor((now + windowMs - nextTat) / interval + 1e-9);
            outcome[0] = new Admission(true, remaining, ceil(nextTat - now), Duration.ZERO);
            return nextTat;
        });
        if (admissions.incrementAndGet() % 10_000 == 0) {
            buckets.values().removeIf(tat -> tat < now); // full again: the same as absent
        }
        return outcome[0];
    }

    private static Duration ceil(double millis) {
        return Duration.ofMillis((long) Math.ceil(millis));
    }

    @Override
    public void close() {
        buckets.clear();
    }
}
