package dev.offload.transport.kafka;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The offsets of one assigned partition that were received and not yet completed, and the position that may be
 * committed: the lowest outstanding offset, or one past the highest completed offset when nothing is outstanding. So a
 * commit never passes a message that is still running, waiting in the buffer, or failed and waiting to be fetched
 * again. Offsets need not be contiguous (compaction and transaction markers leave gaps).
 *
 * <p>NOT thread-safe: used on the consumer's event loop only.
 */
final class PartitionProgress {
    private final TreeSet<Long> outstanding = new TreeSet<>();
    private long highestCompleted = -1;
    private long committed = -1;

    /** A record was received (fetched, or fetched again after a seek). */
    void received(long offset) {
        outstanding.add(offset);
    }

    /** The record's handling completed; it may be acknowledged. */
    void completed(long offset) {
        outstanding.remove(offset);
        highestCompleted = Math.max(highestCompleted, offset);
    }

    /** A buffered record was dropped before it was handled, because it will be fetched again. */
    void dropped(long offset) {
        outstanding.remove(offset);
    }

    /** The position to commit if it moved past the last commit, else empty. */
    OptionalLong committable() {
        long position = outstanding.isEmpty() ? highestCompleted + 1 : outstanding.first();
        return position > committed && position > 0 ? OptionalLong.of(position) : OptionalLong.empty();
    }

    /** The broker accepted a commit of {@code position}. */
    void committed(long position) {
        committed = Math.max(committed, position);
    }
}
