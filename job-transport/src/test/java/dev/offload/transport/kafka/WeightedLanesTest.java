package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.transport.PriorityLevel;
import dev.offload.transport.PriorityWeights;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedLanesTest {
    private final WeightedLanes<String> lanes = new WeightedLanes<>(new PriorityWeights(6, 3, 1));

    @Test
    void whileEveryLaneHasItemsEachGetsItsWeightsShareOfEveryRound() {
        fill(PriorityLevel.URGENT, 100);
        fill(PriorityLevel.HIGH, 100);
        fill(PriorityLevel.NORMAL, 100);

        Map<PriorityLevel, Integer> taken = new EnumMap<>(PriorityLevel.class);
        for (int i = 0; i < 100; i++) {
            taken.merge(levelOf(lanes.poll()), 1, Integer::sum);
        }

        assertThat(taken)
                .containsEntry(PriorityLevel.URGENT, 60)
                .containsEntry(PriorityLevel.HIGH, 30)
                .containsEntry(PriorityLevel.NORMAL, 10);
    }

    @Test
    void sharesAreSpreadOverTheRoundNotTakenInABurst() {
        fill(PriorityLevel.URGENT, 10);
        fill(PriorityLevel.NORMAL, 10);

        List<PriorityLevel> firstRound = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            firstRound.add(levelOf(lanes.poll()));
        }

        assertThat(firstRound).filteredOn(PriorityLevel.NORMAL::equals).hasSize(1);
        assertThat(firstRound.getFirst()).isEqualTo(PriorityLevel.URGENT);
        assertThat(firstRound.getLast()).isEqualTo(PriorityLevel.URGENT);
    }

    @Test
    void aLaneWithoutItemsLeavesItsShareToTheOthers() {
        fill(PriorityLevel.NORMAL, 5);

        List<String> taken = new ArrayList<>();
        for (String item = lanes.poll(); item != null; item = lanes.poll()) {
            taken.add(item);
        }

        assertThat(taken).containsExactly("NORMAL-0", "NORMAL-1", "NORMAL-2", "NORMAL-3", "NORMAL-4");
        assertThat(lanes.isEmpty()).isTrue();
    }

    @Test
    void anUrgentItemArrivingBehindABacklogIsTakenNext() {
        fill(PriorityLevel.NORMAL, 50);
        for (int i = 0; i < 20; i++) {
            lanes.poll();
        }

        lanes.add(PriorityLevel.URGENT, "late");

        assertThat(lanes.poll()).isEqualTo("late");
        assertThat(lanes.poll()).isEqualTo("NORMAL-20");
    }

    @Test
    void eachLaneKeepsArrivalOrder() {
        fill(PriorityLevel.HIGH, 3);
        fill(PriorityLevel.URGENT, 3);

        List<String> taken = new ArrayList<>();
        for (String item = lanes.poll(); item != null; item = lanes.poll()) {
            taken.add(item);
        }

        assertThat(taken.stream().filter(s -> s.startsWith("URGENT")))
                .containsExactly("URGENT-0", "URGENT-1", "URGENT-2");
        assertThat(taken.stream().filter(s -> s.startsWith("HIGH"))).containsExactly("HIGH-0", "HIGH-1", "HIGH-2");
    }

    @Test
    void removeIfTakesOutTheMatchingItemsOfEveryLaneAndKeepsTheRest() {
        fill(PriorityLevel.URGENT, 3);
        fill(PriorityLevel.NORMAL, 3);

        List<String> removed = lanes.removeIf(item -> item.endsWith("-1") || item.startsWith("NORMAL"));

        assertThat(removed).containsExactlyInAnyOrder("URGENT-1", "NORMAL-0", "NORMAL-1", "NORMAL-2");
        assertThat(lanes.size(PriorityLevel.URGENT)).isEqualTo(2);
        assertThat(lanes.size(PriorityLevel.NORMAL)).isZero();
        assertThat(lanes.poll()).isEqualTo("URGENT-0");
        assertThat(lanes.poll()).isEqualTo("URGENT-2");
        assertThat(lanes.poll()).isNull();
    }

    private void fill(PriorityLevel level, int count) {
        for (int i = 0; i < count; i++) {
            lanes.add(level, level.name() + "-" + i);
        }
    }

    private static PriorityLevel levelOf(String item) {
        return PriorityLevel.valueOf(item.substring(0, item.indexOf('-')));
    }
}
