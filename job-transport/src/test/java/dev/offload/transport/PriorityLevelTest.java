package dev.offload.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PriorityLevelTest {

    @Test
    void prioritiesMapToLevelsByRangeWithTheDefaultInTheLowest() {
        assertThat(IntStream.rangeClosed(0, 9).mapToObj(PriorityLevel::of))
                .containsExactly(
                        PriorityLevel.NORMAL,
                        PriorityLevel.NORMAL,
                        PriorityLevel.NORMAL,
                        PriorityLevel.HIGH,
                        PriorityLevel.HIGH,
                        PriorityLevel.HIGH,
                        PriorityLevel.HIGH,
                        PriorityLevel.URGENT,
                        PriorityLevel.URGENT,
                        PriorityLevel.URGENT);
    }

    @Test
    void aPriorityOutsideTheApisBoundsIsRejected() {
        assertThatThrownBy(() -> PriorityLevel.of(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 9");
    }
}
