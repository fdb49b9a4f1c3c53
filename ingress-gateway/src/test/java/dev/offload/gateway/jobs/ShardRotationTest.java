package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.model.JobId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardRotationTest {
    private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void jobsOfOnePeriodShareAShardAndTheNextPeriodTakesTheNextShard() {
        ShardRotation rotation = new ShardRotation(5);
        int first = rotation.shardAt(START);

        assertThat(rotation.shardAt(START.plus(ShardRotation.PERIOD).minusMillis(1)))
                .isEqualTo(first);
        assertThat(rotation.shardAt(START.plus(ShardRotation.PERIOD))).isEqualTo((first + 1) % JobId.SHARDS);
    }

    @Test
    void everyShardGetsTheSameShareOverAFullTurn() {
        ShardRotation rotation = new ShardRotation(17);
        Map<Integer, Integer> periodsPerShard = new HashMap<>();
        for (int period = 0; period < 3 * JobId.SHARDS; period++) {
            periodsPerShard.merge(
                    rotation.shardAt(START.plus(ShardRotation.PERIOD.multipliedBy(period))), 1, Integer::sum);
        }

        assertThat(periodsPerShard)
                .hasSize(JobId.SHARDS)
                .allSatisfy((shard, periods) -> assertThat(periods).isEqualTo(3));
    }

    @Test
    void gatewaysWithOtherOffsetsAreOnOtherShardsAtTheSameTime() {
        assertThat(new ShardRotation(3).shardAt(START)).isNotEqualTo(new ShardRotation(4).shardAt(START));
        assertThat(new ShardRotation(3 + JobId.SHARDS).shardAt(START)).isEqualTo(new ShardRotation(3).shardAt(START));
    }
}
