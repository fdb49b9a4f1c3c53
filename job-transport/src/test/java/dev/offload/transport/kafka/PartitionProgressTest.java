package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {
    private final PartitionProgress progress = new PartitionProgress();

    @Test
    void nothingIsCommittableBeforeAnythingCompleted() {
        progress.received(0);
        progress.received(1);

        assertThat(progress.committable()).isEmpty();
    }

    @Test
    void commitStopsAtTheLowestOutstandingOffset() {
        progress.received(5);
        progress.received(6);
        progress.received(7);

        progress.completed(5);
        progress.completed(7);

        assertThat(progress.committable()).hasValue(6);
    }

    @Test
    void commitMovesOnePastTheHighestCompletedWhenNothingIsOutstanding() {
        progress.received(5);
        progress.received(6);

        progress.completed(6);
        progress.completed(5);

        assertThat(progress.committable()).hasValue(7);
    }

    @Test
    void gapsInOffsetsDoNotBlockCommits() {
        progress.received(10);
        progress.received(13);

        progress.completed(10);
        progress.completed(13);

        assertThat(progress.committable()).hasValue(14);
    }

    @Test
    void failedOffsetHoldsTheCommitUntilItsRedeliveryCompletes() {
        progress.received(3);
        progress.received(4);
        progress.completed(4);
        // 3 failed: it stays outstanding, so the commit position stays at 3; after the seek it is received again.

        assertThat(progress.committable()).hasValue(3);
        progress.committed(3);
        progress.received(3);
        progress.received(4);
        progress.completed(3);
        assertThat(progress.committable()).hasValue(4);
        progress.completed(4);
        assertThat(progress.committable()).hasValue(5);
    }

    @Test
    void droppedRecordsNoLongerHoldTheCommit() {
        progress.received(1);
        progress.received(2);
        progress.completed(1);

        progress.dropped(2);

        assertThat(progress.committable()).hasValue(2);
    }

    @Test
    void aCommittedPositionIsNotOfferedAgain() {
        progress.received(0);
        progress.completed(0);

        progress.committed(1);

        assertThat(progress.committable()).isEmpty();
    }
}
