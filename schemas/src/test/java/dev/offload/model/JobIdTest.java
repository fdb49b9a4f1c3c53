package dev.offload.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobIdTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00.123Z");

    @Test
    void idIs26CharactersOfCrockfordBase32() {
        String id = JobId.next(NOW);

        assertThat(id).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(JobId.isWellFormed(id)).isTrue();
    }

    @Test
    void idStartsWithTheMillisecondsSinceTheEpoch() {
        assertThat(JobId.next(Instant.EPOCH)).startsWith("0000000000");
        assertThat(JobId.next(Instant.ofEpochMilli(31))).startsWith("000000000Z");
        assertThat(JobId.next(Instant.ofEpochMilli(32))).startsWith("0000000010");
    }

    @Test
    void idsOfTheSameInstantDiffer() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 1000).forEach(i -> ids.add(JobId.next(NOW, 0)));

        assertThat(ids).hasSize(1000);
    }

    @Test
    void everyRandomCharacterTakesEveryValue() {
        // 75 random bits in 15 characters: a bit dropped or repeated would leave some character short of values.
        List<Set<Character>> seen = new ArrayList<>();
        IntStream.range(0, 15).forEach(i -> seen.add(new HashSet<>()));
        for (int n = 0; n < 3000; n++) {
            String id = JobId.next(NOW, 0);
            for (int i = 0; i < 15; i++) {
                seen.get(i).add(id.charAt(10 + i));
            }
        }

        assertThat(seen).allSatisfy(values -> assertThat(values).hasSize(32));
    }

    @Test
    void idsSortByCreationTime() {
        List<String> ids = new ArrayList<>();
        for (long millis :
                new long[] {0, 1, 31, 32, 1_000, 1_700_000_000_000L, 1_700_000_000_001L, 4_102_444_800_000L}) {
            ids.add(JobId.next(Instant.ofEpochMilli(millis)));
        }

        assertThat(ids).isSorted();
    }

    @Test
    void everyShardRoundTrips() {
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            assertThat(JobId.shardOf(JobId.next(NOW, shard))).isEqualTo(shard);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 32, 100})
    void shardOutsideTheRangeIsRejected(int shard) {
        assertThatThrownBy(() -> JobId.next(NOW, shard))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard must be in [0, 32), but was " + shard);
    }

    @Test
    void shardOfSomethingElseIsRejected() {
        assertThatThrownBy(() -> JobId.shardOf("not-an-id")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shardForAnIdempotencyKeyIsStableAcrossCallsAndReleases() {
        int shard = JobId.shardFor("acme", "order-42");

        assertThat(JobId.shardFor("acme", "order-42")).isEqualTo(shard);
        // Pinned: ids and idempotency records written by earlier releases carry this shard.
        assertThat(shard).isEqualTo(3);
    }

    @Test
    void shardForDependsOnTheTenantToo() {
        Set<Integer> shards = new HashSet<>();
        IntStream.range(0, 64).forEach(i -> shards.add(JobId.shardFor("tenant-" + i, "same-key")));

        assertThat(shards).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s).isBetween(0, JobId.SHARDS - 1));
    }

    @Test
    void shardForSpreadsKeysOverEveryShard() {
        Set<Integer> shards = new HashSet<>();
        IntStream.range(0, 2000).forEach(i -> shards.add(JobId.shardFor("acme", "key-" + i)));

        assertThat(shards).hasSize(JobId.SHARDS);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6WX",
                "01jq3z5x8k2m4n6p8r0s2t4v6w",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6I",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6L",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6O",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6U",
                "01JQ3Z5X8K2M4N6P8R0S2T4V6-"
            })
    void malformedIdsAreRecognised(String candidate) {
        assertThat(JobId.isWellFormed(candidate)).isFalse();
    }

    @Test
    void nullIsNotAnId() {
        assertThat(JobId.isWellFormed(null)).isFalse();
    }
}
