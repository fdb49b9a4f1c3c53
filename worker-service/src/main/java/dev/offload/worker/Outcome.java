package dev.offload.worker;

import com.fasterxml.jackson.databind.JsonNode;

/** How the supervision of one attempt ended; decides what the worker writes to the store. */
sealed interface Outcome {

    /** The handler returned a result. */
    record Succeeded(JsonNode result) implements Outcome {}

    /** The handler threw. */
    record Failed(Throwable cause) implements Outcome {}

    /** The handler ran past the job's timeout and was interrupted. */
    record TimedOut() implements Outcome {}

    /** A client cancelled the job; the handler was interrupted. */
    record Cancelled() implements Outcome {}

    /** The attempt is no longer ours (its lease was taken over): nothing is written, the message is acknowledged. */
    record Lost() implements Outcome {}

    /** The worker gave the attempt up (killed or stopped): nothing is written and nothing acknowledged. */
    record Abandoned() implements Outcome {}
}
