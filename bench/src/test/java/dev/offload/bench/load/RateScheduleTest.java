package dev.offload.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void requestsAreDueEvenlySpacedFromTheStart() {
        RateSchedule schedule = new RateSchedule(1_000, 1_000, 10);

        assertThat(schedule.intendedNanos(0)).isEqualTo(1_000);
        assertThat(schedule.intendedNanos(1)).isEqualTo(1_001_000);
        assertThat(schedule.intendedNanos(9)).isEqualTo(9_001_000);
        assertThat(schedule.endNanos()).isEqualTo(9_001_000);
    }

    @Test
    void dueCountFollowsTheClockNotTheResponses() {
        RateSchedule schedule = new RateSchedule(0, 2_000, 1_000_000);

        assertThat(schedule.dueBy(-1)).isZero();
        assertThat(schedule.dueBy(0)).isEqualTo(1);
        assertThat(schedule.dueBy(499_999)).isEqualTo(1);
        assertThat(schedule.dueBy(500_000)).isEqualTo(2);
        assertThat(schedule.dueBy(1_000_000_000)).isEqualTo(2_001);
    }

    @Test
    void dueCountNeverExceedsTheTotal() {
        RateSchedule schedule = new RateSchedule(0, 100, 5);

        assertThat(schedule.dueBy(Long.MAX_VALUE / 2)).isEqualTo(5);
    }

    @Test
    void everyRequestIsDueExactlyAtItsIntendedTime() {
        RateSchedule schedule = new RateSchedule(123, 3_333.3, 10_000);

        for (long i = 0; i < schedule.total(); i++) {
            long at = schedule.intendedNanos(i);
            assertThat(schedule.dueBy(at)).as("due at request %d's time", i).isEqualTo(i + 1);
            assertThat(schedule.dueBy(at - 1))
                    .as("due just before request %d's time", i)
                    .isLessThanOrEqualTo(i);
        }
    }

    @Test
    void aRateThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new RateSchedule(0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate must be a positive number, but was 0.0");
    }

    @Test
    void aRampGrowsTheRateFromATenthToTheFullRateThenHoldsIt() {
        long second = 1_000_000_000L;
        RateSchedule schedule = new RateSchedule(0, 1_000, 100_000, 10 * second);

        // 0.55 * 1,000/s * 10 s in the ramp: the mean of 100/s and 1,000/s.
        assertThat(RateSchedule.rampRequests(1_000, 10 * second)).isEqualTo(5_500.0);
        assertThat(schedule.dueBy(second))
                .as("first second, about 100/s + a little")
                .isBetween(140L, 160L);
        assertThat(schedule.dueBy(10 * second)).isBetween(5_500L, 5_501L);
        assertThat(schedule.dueBy(11 * second) - schedule.dueBy(10 * second)).isBetween(999L, 1_001L);
        assertThat(schedule.intendedNanos(5_500)).isEqualTo(10 * second);
    }

    @Test
    void aRampedScheduleIsDueExactlyAtItsIntendedTimes() {
        RateSchedule schedule = new RateSchedule(77, 2_000, 30_000, 5_000_000_000L);

        long previous = Long.MIN_VALUE;
        for (long i = 0; i < schedule.total(); i++) {
            long at = schedule.intendedNanos(i);
            assertThat(at).as("request %d after request %d", i, i - 1).isGreaterThanOrEqualTo(previous);
            assertThat(schedule.dueBy(at)).as("due at request %d's time", i).isGreaterThanOrEqualTo(i + 1);
            assertThat(schedule.dueBy(at - 1))
                    .as("due just before request %d's time", i)
                    .isLessThanOrEqualTo(i);
            previous = at;
        }
    }
}
