package dev.offload.store;

import dev.offload.model.Job;
import io.vertx.core.Future;
import java.util.List;

/**
 * The two writes of every submission, {@link JobStore#createAll} and {@link JobStore#confirmPublishedAll}, for a
 * caller on a Vert.x event loop: the same scripts and results, without a thread blocked per round trip. The gateway
 * sends them from its event loops, so that a submission's store write costs no hand-over to another thread and back.
 *
 * <p>The futures complete on the caller's context. One fails as a whole only when the store cannot be reached or did
 * not answer within its timeout ({@link StoreUnavailableException}: no result is known for any item) or when the batch
 * could not be encoded (a bug in one of its items); otherwise each item has its own {@link BatchResult}. Thread-safe.
 */
public interface JobWrites extends AutoCloseable {

    /** {@link JobStore#createAll}, without blocking. */
    Future<List<BatchResult<CreateResult>>> createAll(List<JobStore.Creation> creations);

    /** {@link JobStore#confirmPublishedAll}, without blocking. */
    Future<List<BatchResult<Boolean>>> confirmPublishedAll(List<Job> queued);

    /** Closes the connections; writes in flight fail. */
    @Override
    void close();
}
