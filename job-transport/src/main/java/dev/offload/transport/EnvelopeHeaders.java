package dev.offload.transport;

import dev.offload.model.JobEnvelope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers every transport puts beside a job's envelope (Kafka record headers, AMQP message headers), so that
 * broker tooling, tracing and routing see the essentials without parsing the body: {@code traceparent},
 * {@code offload-job-id}, {@code offload-tenant}, {@code offload-type}, {@code offload-attempt} and one
 * {@code offload-meta-<label>} per metadata entry, all strings. The body stays the single source of truth when reading;
 * {@code asyncapi.yaml} documents these names.
 */
public final class EnvelopeHeaders {
    public static final String TRACEPARENT = "traceparent";
    public static final String JOB_ID = "offload-job-id";
    public static final String TENANT = "offload-tenant";
    public static final String TYPE = "offload-type";
    public static final String ATTEMPT = "offload-attempt";
    public static final String META_PREFIX = "offload-meta-";

    private EnvelopeHeaders() {}

    /** The headers of {@code envelope}, in a stable order. */
    public static Map<String, String> of(JobEnvelope envelope) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (envelope.traceparent() != null) {
            headers.put(TRACEPARENT, envelope.traceparent());
        }
        headers.put(JOB_ID, envelope.jobId());
        headers.put(TENANT, envelope.tenant());
        headers.put(TYPE, envelope.type());
        headers.put(ATTEMPT, Integer.toString(envelope.attempt()));
        envelope.metadata().forEach((label, value) -> headers.put(META_PREFIX + label, value));
        return headers;
    }
}
