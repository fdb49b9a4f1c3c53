package dev.offload.webhooks;

/**
 * A job event read from a shard's outbox stream, not yet turned into deliveries.
 *
 * @param shard the job's shard (the stream it came from)
 * @param entryId the stream entry id
 * @param type the event type
 * @param jobId the job
 * @param jobRecord the job record as the transition wrote it (JSON of {@code dev.offload.model.Job})
 */
public record OutboxEvent(int shard, String entryId, String type, String jobId, String jobRecord) {

    /** The Standard Webhooks message id of this event: stable, so a re-read event makes the same deliveries. */
    public String messageId() {
        return "msg_" + shard + "_" + entryId.replace('-', '_');
    }
}
