package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The states of a job (design §4). The wire name is the lower-case constant name.
 *
 * <pre>
 * scheduled --(due)--> queued --(claimed)--> running --+--> succeeded
 *    ^                   |                            +--> retrying --(backoff due)--> queued
 *    |                   +--(cancel)--> cancelled     +--> failed
 *    +------------------------------------------------+--> cancelled
 * </pre>
 */
public enum JobState {
    SCHEDULED,
    QUEUED,
    RUNNING,
    RETRYING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** {@code true} once the job can never change state again. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** {@code true} while the job waits for a due time (a delay or a retry backoff). */
    public boolean isWaiting() {
        return this == SCHEDULED || this == RETRYING;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; the message lists the accepted values. */
    @JsonCreator
    public static JobState fromWireName(String name) {
        for (JobState state : values()) {
            if (state.wireName().equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown job state '" + name
                + "'; expected one of scheduled, queued, running, retrying, succeeded, failed, cancelled");
    }
}
