package dev.offload.store;

import dev.offload.model.Job;
import dev.offload.model.JobState;
import java.util.Objects;

/**
 * Which webhook event, if any, a job transition raises (design §5): {@code job.succeeded}, {@code job.failed},
 * {@code job.cancelled} when the job finishes, {@code job.retrying} when an attempt failed and another will follow,
 * {@code job.progress} when a running attempt reports new progress. Stores write the event to their webhook outbox in
 * the same atomic step as the transition. Stateless and thread-safe.
 */
public final class WebhookEventType {
    public static final String SUCCEEDED = "job.succeeded";
    public static final String FAILED = "job.failed";
    public static final String CANCELLED = "job.cancelled";
    public static final String RETRYING = "job.retrying";
    public static final String PROGRESS = "job.progress";

    private WebhookEventType() {}

    /** The event raised by the change from {@code current} to {@code next}, or {@code null} if none. */
    public static String of(Job current, Job next) {
        if (next.state().isTerminal() && !current.state().isTerminal()) {
            return switch (next.state()) {
                case SUCCEEDED -> SUCCEEDED;
                case FAILED -> FAILED;
                default -> CANCELLED;
            };
        }
        if (next.state() == JobState.RETRYING && current.state() != JobState.RETRYING) {
            return RETRYING;
        }
        if (next.state() == JobState.RUNNING
                && current.state() == JobState.RUNNING
                && next.progress() != null
                && !Objects.equals(current.progress(), next.progress())) {
            return PROGRESS;
        }
        return null;
    }
}
