package dev.offload.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

class StepSequenceTest {

    @Test
    void withoutRetriesTheSearchStopsAtTheFirstFailedRate() {
        assertThat(measured(new StepSequence(List.of(3000.0, 1000.0, 2000.0), 0), rate -> rate < 2000))
                .containsExactly(1000.0, 2000.0);
    }

    @Test
    void aFailedRateIsMeasuredAgainAndTheSearchGoesOnWhenTheRetryKeepsUp() {
        List<Boolean> outcomes = new ArrayList<>(List.of(true, false, true, false, false));
        List<Double> rates =
                measured(new StepSequence(List.of(1000.0, 2000.0, 3000.0), 1), rate -> outcomes.removeFirst());

        assertThat(rates).containsExactly(1000.0, 2000.0, 2000.0, 3000.0, 3000.0);
    }

    @Test
    void theRetriesOfOneRateDoNotCarryOverToTheNext() {
        List<Boolean> outcomes = new ArrayList<>(List.of(false, true, false, true, true));
        List<Double> rates =
                measured(new StepSequence(List.of(1000.0, 2000.0, 3000.0), 1), rate -> outcomes.removeFirst());

        assertThat(rates).containsExactly(1000.0, 1000.0, 2000.0, 2000.0, 3000.0);
    }

    @Test
    void everyRateSustainedEndsTheSearchAfterTheTopRate() {
        assertThat(measured(new StepSequence(List.of(1000.0, 2000.0), 2), rate -> true))
                .containsExactly(1000.0, 2000.0);
    }

    @Test
    void negativeRetriesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> new StepSequence(List.of(1000.0), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--step-retries must not be negative, but was -1");
    }

    /** Runs the search with {@code sustained} as every step's verdict; returns the rates in the order measured. */
    private static List<Double> measured(StepSequence sequence, DoublePredicate sustained) {
        List<Double> rates = new ArrayList<>();
        for (OptionalDouble rate = sequence.next(); rate.isPresent(); rate = sequence.next()) {
            rates.add(rate.getAsDouble());
            sequence.record(sustained.test(rate.getAsDouble()));
        }
        return rates;
    }
}
