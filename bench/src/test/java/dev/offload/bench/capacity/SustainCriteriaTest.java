package dev.offload.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.bench.report.ProcessUsage;
import dev.offload.bench.report.RunReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SustainCriteriaTest {

    private final SustainCriteria criteria = new SustainCriteria(0.97, 250);

    @Test
    void aRateIsSustainedWhenNearlyAllOfItCompletesWithoutErrorsAndUnderTheP99Bound() {
        SustainCriteria.Verdict verdict = criteria.judge(1000, report(985, 0, 120));

        assertThat(verdict.sustained()).isTrue();
        assertThat(verdict.reason()).isEqualTo("kept up");
    }

    @Test
    void fallingBehindTheOfferedRateIsNotSustained() {
        SustainCriteria.Verdict verdict = criteria.judge(1000, report(900, 0, 120));

        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.reason()).isEqualTo("900 ok/s of 1000 offered");
    }

    @Test
    void anyFailedOperationIsNotSustained() {
        SustainCriteria.Verdict verdict = criteria.judge(1000, report(1000, 3, 120));

        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.reason()).startsWith("3 operations failed");
    }

    @Test
    void aP99OverTheBoundIsNotSustained() {
        SustainCriteria.Verdict verdict = criteria.judge(1000, report(1000, 0, 400));

        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.reason()).isEqualTo("p99 400.0 ms over 250 ms");
    }

    @Test
    void theSustainedRateIsTheHighestSustainedStepNotTheLast() {
        List<CapacityReport.Step> steps = List.of(
                new CapacityReport.Step(500, 500, 5, 20, 0, true, "kept up"),
                new CapacityReport.Step(1000, 998, 6, 40, 0, true, "kept up"),
                new CapacityReport.Step(2000, 1200, 900, 4000, 0, false, "1200 ok/s of 2000 offered"));

        assertThat(CapacityReport.sustainedRate(steps)).isEqualTo(1000);
        assertThat(CapacityReport.sustainedRate(steps.subList(2, 3))).isZero();
    }

    @Test
    void criteriaOutOfRangeAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> new SustainCriteria(0.97, 0)).hasMessageContaining("--sustain-p99");
        assertThatThrownBy(() -> new SustainCriteria(1.5, 250)).hasMessageContaining("--sustain-share");
    }

    private static RunReport report(double okPerSecond, long errors, double p99) {
        RunReport.Totals totals = new RunReport.Totals(1000, 1000 - errors, errors, 10, 0, 1000, okPerSecond, 10);
        return new RunReport(
                "submit@1000",
                "2026-11-29T03:00:00Z",
                Map.of(),
                totals,
                Map.of("p50", 5.0, "p99", p99),
                Map.of(),
                errors == 0 ? Map.of() : Map.of("status 503", errors),
                null,
                new ProcessUsage(1, 1, 1),
                List.of());
    }
}
