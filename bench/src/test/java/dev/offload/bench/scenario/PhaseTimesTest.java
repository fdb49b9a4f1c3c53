package dev.offload.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.bench.load.LoadPlan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {

    private static LoadPlan plan(Duration warmup) {
        return new LoadPlan(100, Duration.ofSeconds(10), warmup, 0, 10, Duration.ofSeconds(1));
    }

    @Test
    void percentilesAreKeptPerPhaseInMilliseconds() {
        PhaseTimes phases = new PhaseTimes(List.of("queued", "run"));
        phases.begin(plan(Duration.ZERO));
        for (int ms = 1; ms <= 100; ms++) {
            phases.record(ms, "queued", Duration.ofMillis(ms).toNanos());
        }
        phases.record(0, "run", Duration.ofMillis(3).toNanos());

        var percentiles = phases.percentilesMs();

        assertThat(percentiles).containsOnlyKeys("queued", "run");
        assertThat(percentiles.get("queued").get("p50")).isBetween(49.9, 50.1);
        assertThat(percentiles.get("queued").get("p99")).isBetween(98.9, 99.1);
        assertThat(percentiles.get("run").get("max")).isBetween(2.99, 3.01);
    }

    @Test
    void theWarmUpIsLeftOutAndEachRunStartsEmpty() {
        PhaseTimes phases = new PhaseTimes(List.of("queued"));
        phases.begin(plan(Duration.ofSeconds(2)));
        phases.record(199, "queued", Duration.ofMillis(900).toNanos());
        phases.record(200, "queued", Duration.ofMillis(5).toNanos());

        assertThat(phases.percentilesMs().get("queued").get("max")).isBetween(4.99, 5.01);

        phases.record(200, "queued", Duration.ofMillis(5).toNanos());
        phases.begin(plan(Duration.ZERO));

        assertThat(phases.percentilesMs().get("queued").get("max")).isZero();
    }

    @Test
    void aClockStepBackwardsCountsAsZeroAndAnUnknownPhaseIsRefused() {
        PhaseTimes phases = new PhaseTimes(List.of("notify"));
        phases.begin(plan(Duration.ZERO));
        phases.record(0, "notify", -1_000_000);
        assertThat(phases.percentilesMs().get("notify").get("max")).isZero();
        assertThatThrownBy(() -> phases.record(0, "nope", 1)).hasMessageContaining("notify");
    }
}
