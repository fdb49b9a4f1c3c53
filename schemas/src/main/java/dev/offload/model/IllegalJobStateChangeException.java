package dev.offload.model;

/** Thrown when a transition is asked of a job in a state that does not allow it (design §4). */
public final class IllegalJobStateChangeException extends IllegalStateException {
    private final JobState from;
    private final String transition;

    public IllegalJobStateChangeException(String jobId, JobState from, String transition) {
        super("job " + jobId + " is " + from.wireName() + " and cannot " + transition);
        this.from = from;
        this.transition = transition;
    }

    public JobState from() {
        return from;
    }

    public String transition() {
        return transition;
    }
}
