package dev.offload.store.embedded;

import dev.offload.store.CacheStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CacheStore} in one process's memory: a least-recently-used map of at most {@code maxEntries} values,
 * each dropped when read after its expiry. Thread-safe (one lock; every operation is a map access). Never blocks on
 * I/O, so it is also safe, though not needed, off virtual threads.
 */
public final class InProcessCacheStore implements CacheStore {
    private final Clock clock;
    private final Map<String, Stored> entries;

    public InProcessCacheStore(int maxEntries) {
        this(maxEntries, Clock.systemUTC());
    }

    InProcessCacheStore(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, but was " + maxEntries);
        }
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        Stored entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!entry.expiresAt().isAfter(clock.instant())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value().clone());
    }

    @Override
    public synchronized void put(String key, byte[] value, Duration ttl) {
        CacheStore.requirePositive(ttl);
        entries.put(key, new Stored(value.clone(), clock.instant().plus(ttl)));
    }

    @Override
    public synchronized boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        if (get(key).isPresent()) {
            return false;
        }
        put(key, value, ttl);
        return true;
    }

    @Override
    public synchronized void delete(String key) {
        entries.remove(key);
    }

    @Override
    public synchronized void close() {
        entries.clear();
    }

    private record Stored(byte[] value, Instant expiresAt) {}
}
