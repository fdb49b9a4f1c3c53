package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import dev.offload.model.JobEnvelope;
import dev.offload.model.Json;
import dev.offload.transport.EnvelopeHeaders;
import java.util.HashMap;
import java.util.Map;

/**
 * The AMQP form of a {@link JobEnvelope}: body = the envelope JSON, message id = job id, and the same
 * {@link EnvelopeHeaders} as the Kafka transport's record headers. The body is the single source of truth when
 * reading.
 */
final class EnvelopeMessages {
    static final String CONTENT_TYPE = "application/json";
    /** AMQP delivery mode 2: the broker writes the message to disk before it confirms it. */
    private static final int PERSISTENT = 2;

    private EnvelopeMessages() {}

    static AMQP.BasicProperties properties(JobEnvelope envelope) {
        Map<String, Object> headers = new HashMap<>(EnvelopeHeaders.of(envelope));
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE)
                .deliveryMode(PERSISTENT)
                .messageId(envelope.jobId())
                .type(envelope.type())
                .priority(envelope.priority()) // honoured by priority (classic) queues only
                .timestamp(java.util.Date.from(envelope.enqueuedAt()))
                .headers(headers)
                .build();
    }

    static byte[] body(JobEnvelope envelope) {
        return Json.toBytes(envelope);
    }

    /**
     * Reads the envelope from the message body.
     *
     * @throws IllegalArgumentException if the body is missing or not an envelope
     */
    static JobEnvelope fromBody(byte[] body) {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("the message has no body");
        }
        try {
            return Json.fromBytes(body, JobEnvelope.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body is not a job envelope: " + e.getMessage(), e);
        }
    }
}
