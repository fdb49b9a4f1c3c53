package dev.offload.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CacheStore} does; one subclass per implementation. */
public abstract class CacheStoreContract {
    protected CacheStore cache;

    protected abstract CacheStore openCache();

    @BeforeEach
    void open() {
        cache = openCache();
    }

    @AfterEach
    void closeCache() {
        cache.close();
    }

    @Test
    void storedBytesComeBackExactlyIncludingEveryByteValue() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }

        cache.put("binary", value, Duration.ofMinutes(1));

        assertThat(cache.get("binary")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void absentKeyIsEmpty() {
        assertThat(cache.get("never-written")).isEmpty();
    }

    @Test
    void putReplacesTheEarlierValue() {
        cache.put("k", new byte[] {1}, Duration.ofMinutes(1));

        cache.put("k", new byte[] {2}, Duration.ofMinutes(1));

        assertThat(cache.get("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
    }

    @Test
    void valueExpiresAfterItsTtl() {
        cache.put("short", new byte[] {1}, Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("short").isEmpty());
    }

    @Test
    void putIfAbsentStoresOnlyTheFirstValueUntilItExpires() {
        boolean first = cache.putIfAbsent("lock", new byte[] {1}, Duration.ofMillis(300));
        boolean second = cache.putIfAbsent("lock", new byte[] {2}, Duration.ofMinutes(1));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(cache.get("lock")).hasValueSatisfying(v -> assertThat(v).containsExactly(1));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cache.putIfAbsent("lock", new byte[] {3}, Duration.ofMinutes(1)));
    }

    @Test
    void deletedValueIsGone() {
        cache.put("gone", new byte[] {1}, Duration.ofMinutes(1));

        cache.delete("gone");

        assertThat(cache.get("gone")).isEmpty();
    }

    @Test
    void nonPositiveTtlIsRejected() {
        assertThatThrownBy(() -> cache.put("k", new byte[] {1}, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
    }
}
