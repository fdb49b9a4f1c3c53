package dev.offload.store;

import dev.offload.model.Job;
import java.util.List;

/**
 * One page of a tenant's jobs, newest first.
 *
 * @param jobs the jobs on this page
 * @param nextCursor an opaque cursor for the next page, or {@code null} when this is the last page
 */
public record JobPage(List<Job> jobs, String nextCursor) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
