package dev.offload.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobTest {
    private static final Instant CREATED = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant NOW = CREATED.plusSeconds(60);
    private static final Instant RUN_AT = CREATED.plusSeconds(3600);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final JobError BOOM = new JobError("handler.failed", "boom");

    /** Each transition (by the name its exception uses) and the states it is allowed from. */
    private static final Map<String, Transition> TRANSITIONS = Map.of(
            "be marked published", new Transition(j -> j.markPublished(NOW), EnumSet.of(JobState.QUEUED)),
            "be claimed", new Transition(j -> j.claim("w", NOW, LEASE), EnumSet.of(JobState.QUEUED)),
            "renew its lease", new Transition(j -> j.renewLease(NOW, LEASE), EnumSet.of(JobState.RUNNING)),
            "report progress",
                    new Transition(j -> j.reportProgress(new Progress(5, null), NOW), EnumSet.of(JobState.RUNNING)),
            "succeed", new Transition(j -> j.succeed(Json.MAPPER.nullNode(), NOW), EnumSet.of(JobState.RUNNING)),
            "fail", new Transition(j -> j.fail(BOOM, NOW), EnumSet.of(JobState.RUNNING)),
            "be retried", new Transition(j -> j.retryAt(BOOM, NOW, RUN_AT), EnumSet.of(JobState.RUNNING)),
            "be requeued",
                    new Transition(j -> j.requeue(NOW, GRACE), EnumSet.of(JobState.SCHEDULED, JobState.RETRYING)),
            "be cancelled",
                    new Transition(
                            j -> j.cancel(NOW),
                            EnumSet.of(JobState.SCHEDULED, JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)),
            "acknowledge a cancellation",
                    new Transition(j -> j.acknowledgeCancel(NOW), EnumSet.noneOf(JobState.class)));

    private record Transition(UnaryOperator<Job> apply, Set<JobState> allowedFrom) {}

    // ---- allowed transitions ------------------------------------------------------------------------------------

    @Test
    void newJobIsQueuedUnpublishedAtVersionOne() {
        Job job = aQueuedJob();

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.attempts()).isZero();
        assertThat(job.published()).isFalse();
        assertThat(job.version()).isEqualTo(1);
        assertThat(job.dueAt()).isEqualTo(CREATED.plus(GRACE));
    }

    @Test
    void newScheduledJobWaitsUntilRunAt() {
        Job job = aScheduledJob();

        assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(job.dueAt()).isEqualTo(RUN_AT);
    }

    @Test
    void publishingKeepsTheJobQueuedAndClearsItsDueTime() {
        Job published = aQueuedJob().markPublished(NOW);

        assertThat(published.state()).isEqualTo(JobState.QUEUED);
        assertThat(published.published()).isTrue();
        assertThat(published.dueAt()).isNull();
        assertThat(published.updatedAt()).isEqualTo(NOW);
    }

    @Test
    void claimingStartsTheNextAttemptUnderALease() {
        Job running = aQueuedJob().markPublished(NOW).claim("worker-1", NOW, LEASE);

        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.attempts()).isEqualTo(1);
        assertThat(running.startedAt()).isEqualTo(NOW);
        assertThat(running.lease()).isEqualTo(new Lease("worker-1", NOW.plus(LEASE)));
        assertThat(running.published()).isTrue();
    }

    @Test
    void claimingAJobWhosePublicationWasNotRecordedYetMarksItPublished() {
        Job running = aQueuedJob().claim("worker-1", NOW, LEASE);

        assertThat(running.published())
                .as("the worker got the message, so it was published")
                .isTrue();
    }

    @Test
    void renewingTheLeaseExtendsItForTheSameOwner() {
        Instant later = NOW.plusSeconds(20);

        Job renewed = aRunningJob().renewLease(later, LEASE);

        assertThat(renewed.state()).isEqualTo(JobState.RUNNING);
        assertThat(renewed.lease()).isEqualTo(new Lease("worker-1", later.plus(LEASE)));
    }

    @Test
    void reportedProgressIsKeptWhileRunning() {
        Job job = aRunningJob().reportProgress(new Progress(40, "page 5 of 12"), NOW);

        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.progress()).isEqualTo(new Progress(40, "page 5 of 12"));
    }

    @Test
    void succeedingFinishesTheJobWithItsResultAndFullProgress() {
        Job job = aRunningJob()
                .reportProgress(new Progress(40, "half"), NOW)
                .succeed(Json.MAPPER.getNodeFactory().textNode("ok"), NOW);

        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result().asText()).isEqualTo("ok");
        assertThat(job.finishedAt()).isEqualTo(NOW);
        assertThat(job.progress()).isEqualTo(new Progress(100, "half"));
        assertThat(job.lease()).isNull();
    }

    @Test
    void failingFinishesTheJobWithItsError() {
        Job job = aRunningJob().fail(BOOM, NOW);

        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.error()).isEqualTo(BOOM);
        assertThat(job.finishedAt()).isEqualTo(NOW);
        assertThat(job.lease()).isNull();
    }

    @Test
    void retryingWaitsForTheBackoffAndNeedsPublishingAgain() {
        Job job = aRunningJob().retryAt(BOOM, NOW, RUN_AT);

        assertThat(job.state()).isEqualTo(JobState.RETRYING);
        assertThat(job.dueAt()).isEqualTo(RUN_AT);
        assertThat(job.error()).isEqualTo(BOOM);
        assertThat(job.finishedAt()).isNull();
        assertThat(job.published()).isFalse();
    }

    @Test
    void dueRetryIsQueuedAgainKeepingItsAttemptCount() {
        Job job = aRunningJob().retryAt(BOOM, NOW, RUN_AT).requeue(RUN_AT, GRACE);

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.published()).isFalse();
        assertThat(job.dueAt()).isEqualTo(RUN_AT.plus(GRACE));
        assertThat(job.claim("worker-2", RUN_AT, LEASE).attempts()).isEqualTo(2);
    }

    @Test
    void dueScheduledJobIsQueued() {
        Job job = aScheduledJob().requeue(RUN_AT, GRACE);

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.dueAt()).isEqualTo(RUN_AT.plus(GRACE));
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"SCHEDULED", "QUEUED", "RETRYING"})
    void waitingOrQueuedJobIsCancelledAtOnce(JobState state) {
        Job job = jobIn(state).cancel(NOW);

        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.finishedAt()).isEqualTo(NOW);
        assertThat(job.dueAt()).isNull();
    }

    @Test
    void cancellingARunningJobOnlyRequestsIt() {
        Job job = aRunningJob().cancel(NOW);

        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.cancelRequested()).isTrue();
        assertThat(job.finishedAt()).isNull();
    }

    @Test
    void workerAcknowledgesARequestedCancellation() {
        Job job = aRunningJob().cancel(NOW).acknowledgeCancel(NOW.plusSeconds(1));

        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.cancelRequested()).isFalse();
        assertThat(job.finishedAt()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void transitionsLeaveTheVersionToTheStore() {
        Job job = aRunningJob().withVersion(7);

        assertThat(job.succeed(Json.MAPPER.nullNode(), NOW).version()).isEqualTo(7);
        assertThat(job.withVersion(8).version()).isEqualTo(8);
    }

    @Test
    void attemptsLeftFollowMaxAttempts() {
        Job first = aRunningJob();
        Job last = first.retryAt(BOOM, NOW, RUN_AT)
                .requeue(RUN_AT, GRACE)
                .claim("w", RUN_AT, LEASE)
                .retryAt(BOOM, RUN_AT, RUN_AT)
                .requeue(RUN_AT, GRACE)
                .claim("w", RUN_AT, LEASE);

        assertThat(first.hasAttemptsLeft()).isTrue();
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(last.hasAttemptsLeft()).isFalse();
    }

    // ---- illegal transitions ------------------------------------------------------------------------------------

    /** Every (state, transition) pair the table does not allow; a running job here has no cancellation request. */
    static Stream<Arguments> illegalTransitions() {
        return TRANSITIONS.entrySet().stream()
                .flatMap(t -> Arrays.stream(JobState.values())
                        .filter(state -> !t.getValue().allowedFrom().contains(state))
                        .map(state -> Arguments.of(state, t.getKey())));
    }

    @ParameterizedTest(name = "a {0} job cannot {1}")
    @MethodSource("illegalTransitions")
    void illegalTransitionIsRefusedWithANamedException(JobState state, String transition) {
        Job job = jobIn(state);

        assertThatThrownBy(() -> TRANSITIONS.get(transition).apply().apply(job))
                .isInstanceOfSatisfying(IllegalJobStateChangeException.class, e -> {
                    assertThat(e.from()).isEqualTo(state);
                    assertThat(e.transition()).isEqualTo(transition);
                })
                .hasMessage("job " + job.id() + " is " + state.wireName() + " and cannot " + transition);
    }

    @Test
    void illegalTransitionTableCoversEveryTransition() {
        assertThat(illegalTransitions()).hasSize(10 * JobState.values().length - 13);
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void everyStateHasAJobForTheTransitionTable(JobState state) {
        assertThat(jobIn(state).state()).isEqualTo(state);
    }

    // ---- deadline -----------------------------------------------------------------------------------------------

    @Test
    void unpublishedQueuedJobIsDueWhenThePublishGraceEnds() {
        assertThat(aQueuedJob().deadline()).isEqualTo(CREATED.plus(GRACE));
    }

    @Test
    void publishedQueuedJobHasNoDeadline() {
        assertThat(aQueuedJob().markPublished(NOW).deadline()).isNull();
    }

    @Test
    void runningJobIsDueWhenItsLeaseExpires() {
        Job job = aRunningJob();

        assertThat(job.deadline()).isEqualTo(NOW.plus(LEASE));
        assertThat(job.renewLease(NOW.plusSeconds(10), LEASE).deadline())
                .isEqualTo(NOW.plusSeconds(10).plus(LEASE));
    }

    @Test
    void waitingJobsAreDueAtTheirDueTime() {
        assertThat(aScheduledJob().deadline()).isEqualTo(RUN_AT);
        assertThat(aRunningJob().retryAt(BOOM, NOW, RUN_AT).deadline()).isEqualTo(RUN_AT);
    }

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void finishedJobHasNoDeadline(JobState state) {
        assertThat(jobIn(state).deadline()).isNull();
    }

    @Test
    void recordExpiresAfterRetentionFromFinishOrElseFromCreation() {
        assertThat(aQueuedJob().expiresAt()).isEqualTo(CREATED.plus(Duration.ofDays(7)));
        assertThat(aRunningJob().fail(BOOM, NOW).expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(7)));
    }

    // ---- test data ----------------------------------------------------------------------------------------------

    private static JobSpec aSpec() {
        return new JobSpec(
                "report.generate",
                "reports",
                0,
                Json.MAPPER.createObjectNode(),
                Map.of(),
                null,
                null,
                3,
                Duration.ofMinutes(10),
                Duration.ofDays(7),
                null,
                null);
    }

    private static Job aQueuedJob() {
        return Job.queued(JobId.next(CREATED), "acme", aSpec(), CREATED, GRACE);
    }

    private static Job aScheduledJob() {
        return Job.scheduled(JobId.next(CREATED), "acme", aSpec(), CREATED, RUN_AT);
    }

    private static Job aRunningJob() {
        return aQueuedJob().claim("worker-1", NOW, LEASE);
    }

    private static Job jobIn(JobState state) {
        return switch (state) {
            case SCHEDULED -> aScheduledJob();
            case QUEUED -> aQueuedJob();
            case RUNNING -> aRunningJob();
            case RETRYING -> aRunningJob().retryAt(BOOM, NOW, RUN_AT);
            case SUCCEEDED -> aRunningJob().succeed(Json.MAPPER.nullNode(), NOW);
            case FAILED -> aRunningJob().fail(BOOM, NOW);
            case CANCELLED -> aQueuedJob().cancel(NOW);
        };
    }
}
