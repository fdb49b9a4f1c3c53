package dev.offload.transport;

/**
 * The priority levels of a Kafka queue configured for priorities ({@code transport.kafka.priorityQueues}): Kafka has no
 * per-message priority, so each level is a topic of its own and the consumer takes from the levels by weight
 * ({@link PriorityWeights}).
 *
 * <p>A job's priority (0 to 9, default 0, higher runs first) maps to a level by range: 0–2 {@link #NORMAL}, 3–6
 * {@link #HIGH}, 7–9 {@link #URGENT}. The default priority 0 is the lowest number, so its level is the lowest too, as on
 * RabbitMQ, where a message without priority is behind every message with one. The default level keeps the queue's
 * plain topic, so turning priorities on for a queue moves none of its existing traffic or backlog.
 */
public enum PriorityLevel {
    /** Priorities 7 to 9, on the queue's topic followed by {@code .urgent}. */
    URGENT(7, ".urgent"),
    /** Priorities 3 to 6, on the queue's topic followed by {@code .high}. */
    HIGH(3, ".high"),
    /** Priorities 0 to 2, the default among them, on the queue's own topic. */
    NORMAL(0, "");

    private final int lowestPriority;
    private final String topicSuffix;

    PriorityLevel(int lowestPriority, String topicSuffix) {
        this.lowestPriority = lowestPriority;
        this.topicSuffix = topicSuffix;
    }

    /**
     * The level of a job priority.
     *
     * @throws IllegalArgumentException if {@code priority} is not 0 to 9
     */
    public static PriorityLevel of(int priority) {
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority must be between 0 and 9, but was " + priority);
        }
        return priority >= URGENT.lowestPriority ? URGENT : priority >= HIGH.lowestPriority ? HIGH : NORMAL;
    }

    /** What the level's topic adds to the queue's topic: empty for {@link #NORMAL}. */
    public String topicSuffix() {
        return topicSuffix;
    }

    /** The lowest job priority of this level. */
    public int lowestPriority() {
        return lowestPriority;
    }
}
