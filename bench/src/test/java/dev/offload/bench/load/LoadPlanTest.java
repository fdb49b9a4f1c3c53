package dev.offload.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadPlanTest {

    @Test
    void totalCoversWarmupAndMeasuredTimeAtTheRate() {
        LoadPlan plan = new LoadPlan(500, Duration.ofSeconds(30), Duration.ofSeconds(5), 0, 100, Duration.ofSeconds(1));

        assertThat(plan.total()).isEqualTo(17_500);
        assertThat(plan.warmupOperations()).isEqualTo(2_500);
    }

    @Test
    void aCountReplacesTheDurationAndHasNoWarmup() {
        LoadPlan plan = new LoadPlan(500, Duration.ZERO, Duration.ZERO, 1_234, 100, Duration.ofSeconds(1));

        assertThat(plan.total()).isEqualTo(1_234);
        assertThat(plan.warmupOperations()).isZero();
    }

    @Test
    void aBoundBelowOneIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> new LoadPlan(1, Duration.ofSeconds(1), Duration.ZERO, 0, 0, Duration.ofSeconds(1)))
                .hasMessage("--max-outstanding must be at least 1, but was 0");
    }

    @Test
    void aRampedWarmupSendsTheMeanOfItsRates() {
        LoadPlan plan = new LoadPlan(
                1_000, Duration.ofSeconds(20), Duration.ofSeconds(40), 0, 100, Duration.ofSeconds(1), true);

        assertThat(plan.warmupOperations()).isEqualTo(22_000); // 0.55 * 1,000/s * 40 s
        assertThat(plan.total()).isEqualTo(42_000);
        assertThat(plan.rampNanos()).isEqualTo(Duration.ofSeconds(40).toNanos());
    }

    @Test
    void aCountedRunRampsOverItsWarmupButMeasuresEveryOperation() {
        LoadPlan plan =
                new LoadPlan(500, Duration.ZERO, Duration.ofSeconds(10), 1_234, 100, Duration.ofSeconds(1), true);

        assertThat(plan.rampNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(plan.total()).isEqualTo(1_234);
        assertThat(plan.warmupOperations()).isZero();
    }
}
