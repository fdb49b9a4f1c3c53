package dev.offload.store;

import dev.offload.model.JobState;

/**
 * A filter and page request for {@link JobStore#list}. Null filters match everything.
 *
 * @param state only jobs in this state
 * @param type only jobs of this type
 * @param queue only jobs on this queue
 * @param limit page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link JobPage#nextCursor()} of the previous page, or {@code null} for the first page
 */
public record JobQuery(JobState state, String type, String queue, int limit, String cursor) {
    public static final int MAX_LIMIT = 200;

    public JobQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
        }
    }

    public static JobQuery firstPage(int limit) {
        return new JobQuery(null, null, null, limit, null);
    }
}
