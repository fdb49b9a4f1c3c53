package dev.offload.transport;

import dev.offload.model.JobEnvelope;
import java.util.concurrent.CompletionStage;

/** Handles one delivered job message; see {@link JobConsumer} for the acknowledgement contract. */
@FunctionalInterface
public interface JobDeliveryHandler {

    /**
     * Starts handling and returns at once (it is called on a transport thread).
     *
     * @return completes normally when the message may be acknowledged, exceptionally when it should come again
     */
    CompletionStage<Void> handle(JobEnvelope envelope);
}
