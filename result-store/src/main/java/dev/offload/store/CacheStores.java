package dev.offload.store;

import dev.offload.store.embedded.InProcessCacheStore;
import dev.offload.store.redis.RedisStoreFactory;

/** Opens {@link CacheStore}s. Thread-safe. */
public final class CacheStores {
    private CacheStores() {}

    /**
     * A cache on the result store's Redis, under {@code <store.redis.keyPrefix>:cache:}, with a connection pool of its
     * own (sized like the store's), so that cache traffic cannot starve job writes of connections. Connects lazily.
     */
    public static CacheStore redis(RedisStoreConfig config) {
        return RedisStoreFactory.openCache(config);
    }

    /**
     * A cache in this process's memory, for standalone mode (embedded store, no Redis): nothing is shared with other
     * processes. Holds at most {@code maxEntries} values and evicts the least recently used beyond that.
     */
    public static CacheStore inProcess(int maxEntries) {
        return new InProcessCacheStore(maxEntries);
    }
}
