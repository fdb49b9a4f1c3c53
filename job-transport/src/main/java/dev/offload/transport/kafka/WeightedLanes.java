package dev.offload.transport.kafka;

import dev.offload.transport.PriorityLevel;
import dev.offload.transport.PriorityWeights;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Items waiting for a free slot, one first-in-first-out lane per {@link PriorityLevel}, taken by smooth weighted
 * round-robin (as nginx balances upstreams): while every lane has items, of {@code urgent + high + normal} takes each
 * lane gets its weight's worth, spread out rather than in bursts. Only lanes with items take part, so an empty lane
 * leaves its share to the others (work-conserving), and a lane that runs empty forgets its history: an urgent item
 * arriving after a quiet spell is next (unless the others are owed more than one full round).
 *
 * <p>NOT thread-safe: used on the consumer's event loop only.
 */
final class WeightedLanes<T> {
    private final PriorityWeights weights;
    private final Map<PriorityLevel, ArrayDeque<T>> lanes = new EnumMap<>(PriorityLevel.class);
    /** The smooth round-robin's running credit of each lane; 0 for an empty lane. */
    private final Map<PriorityLevel, Integer> credit = new EnumMap<>(PriorityLevel.class);

    WeightedLanes(PriorityWeights weights) {
        this.weights = weights;
        for (PriorityLevel level : PriorityLevel.values()) {
            lanes.put(level, new ArrayDeque<>());
            credit.put(level, 0);
        }
    }

    void add(PriorityLevel level, T item) {
        lanes.get(level).add(item);
    }

    /** The next item by weight, or {@code null} if every lane is empty. */
    T poll() {
        PriorityLevel chosen = null;
        int total = 0;
        // Levels are declared most urgent first, so a tie goes to the more urgent lane.
        for (PriorityLevel level : PriorityLevel.values()) {
            if (lanes.get(level).isEmpty()) {
                continue;
            }
            int weight = weights.of(level);
            total += weight;
            credit.merge(level, weight, Integer::sum);
            if (chosen == null || credit.get(level) > credit.get(chosen)) {
                chosen = level;
            }
        }
        if (chosen == null) {
            return null;
        }
        credit.merge(chosen, -total, Integer::sum);
        ArrayDeque<T> lane = lanes.get(chosen);
        T item = lane.poll();
        if (lane.isEmpty()) {
            credit.put(chosen, 0);
        }
        return item;
    }

    int size(PriorityLevel level) {
        return lanes.get(level).size();
    }

    boolean isEmpty() {
        return lanes.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    /** Removes and returns the items that match, keeping the order of the rest. */
    List<T> removeIf(Predicate<T> filter) {
        List<T> removed = new ArrayList<>();
        for (Map.Entry<PriorityLevel, ArrayDeque<T>> lane : lanes.entrySet()) {
            Iterator<T> it = lane.getValue().iterator();
            while (it.hasNext()) {
                T item = it.next();
                if (filter.test(item)) {
                    it.remove();
                    removed.add(item);
                }
            }
            if (lane.getValue().isEmpty()) {
                credit.put(lane.getKey(), 0);
            }
        }
        return removed;
    }
}
