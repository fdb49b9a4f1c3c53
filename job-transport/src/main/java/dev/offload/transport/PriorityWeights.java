package dev.offload.transport;

import dev.offload.config.ConfigKey;
import java.util.List;

/**
 * How a Kafka consumer shares its capacity among the {@link PriorityLevel}s of queues configured for priorities: while
 * every level has work waiting, of {@code urgent + high + normal} jobs started, {@code urgent} are urgent, {@code high}
 * high and {@code normal} normal. A level with nothing waiting takes nothing, so the others share all the capacity
 * (work-conserving). Immutable.
 *
 * @param urgent the weight of {@link PriorityLevel#URGENT}
 * @param high the weight of {@link PriorityLevel#HIGH}
 * @param normal the weight of {@link PriorityLevel#NORMAL}
 */
public record PriorityWeights(int urgent, int high, int normal) {
    private static final String GROUP = "Kafka transport";
    private static final int MAX_WEIGHT = 1000;

    public static final ConfigKey<Integer> URGENT = key("urgent", "7 to 9", 6);
    public static final ConfigKey<Integer> HIGH = key("high", "3 to 6", 3);
    public static final ConfigKey<Integer> NORMAL = key("normal", "0 to 2, the default", 1);

    public PriorityWeights {
        check(URGENT, urgent);
        check(HIGH, high);
        check(NORMAL, normal);
    }

    /** 6 : 3 : 1. */
    public static PriorityWeights defaults() {
        return new PriorityWeights(URGENT.defaultValue(), HIGH.defaultValue(), NORMAL.defaultValue());
    }

    /** The keys of the weights, for validation and the reference page. */
    public static List<ConfigKey<?>> keys() {
        return List.of(URGENT, HIGH, NORMAL);
    }

    /** The weight of a level. */
    public int of(PriorityLevel level) {
        return switch (level) {
            case URGENT -> urgent;
            case HIGH -> high;
            case NORMAL -> normal;
        };
    }

    private static ConfigKey<Integer> key(String level, String priorities, int defaultWeight) {
        return ConfigKey.in(GROUP, "transport.kafka.priorityWeights." + level)
                .rare()
                .doc("On queues in transport.kafka.priorityQueues: the share of a worker's capacity for " + level
                        + " jobs (priority " + priorities + ") while every level has jobs waiting, relative to the"
                        + " other levels' weights. A level with nothing waiting leaves its share to the others.")
                .integer(defaultWeight, 1, MAX_WEIGHT);
    }

    private static void check(ConfigKey<Integer> key, int weight) {
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException(key.name() + " must be from 1 to " + MAX_WEIGHT + ", but was " + weight);
        }
    }
}
