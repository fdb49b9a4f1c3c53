package dev.offload.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.CacheStore;
import dev.offload.store.CacheStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InProcessCacheStoreTest extends CacheStoreContract {

    @Override
    protected CacheStore openCache() {
        return new InProcessCacheStore(3);
    }

    @Test
    void leastRecentlyUsedValueIsEvictedBeyondTheBound() {
        cache.put("a", new byte[] {1}, Duration.ofMinutes(1));
        cache.put("b", new byte[] {2}, Duration.ofMinutes(1));
        cache.put("c", new byte[] {3}, Duration.ofMinutes(1));
        cache.get("a");

        cache.put("d", new byte[] {4}, Duration.ofMinutes(1));

        assertThat(cache.get("b")).isEmpty();
        assertThat(cache.get("a")).isPresent();
        assertThat(cache.get("d")).isPresent();
    }
}
