package dev.offload.transport.kafka;

import dev.offload.model.JobEnvelope;
import dev.offload.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka form of a {@link JobEnvelope}: key = job id, value = the envelope JSON, and headers that let brokers'
 * tooling, tracing and routing see the essentials without parsing the value. The value is the single source of truth
 * when reading; the headers are for everyone else.
 */
final class EnvelopeRecords {
    static final String TRACEPARENT = "traceparent";
    static final String JOB_ID = "offload-job-id";
    static final String TENANT = "offload-tenant";
    static final String TYPE = "offload-type";
    static final String ATTEMPT = "offload-attempt";
    static final String META_PREFIX = "offload-meta-";

    private EnvelopeRecords() {}

    static ProducerRecord<String, byte[]> toRecord(String topic, JobEnvelope envelope) {
        Headers headers = new RecordHeaders();
        if (envelope.traceparent() != null) {
            headers.add(TRACEPARENT, utf8(envelope.traceparent()));
        }
        headers.add(JOB_ID, utf8(envelope.jobId()));
        headers.add(TENANT, utf8(envelope.tenant()));
        headers.add(TYPE, utf8(envelope.type()));
        headers.add(ATTEMPT, utf8(Integer.toString(envelope.attempt())));
        for (Map.Entry<String, String> entry : envelope.metadata().entrySet()) {
            headers.add(META_PREFIX + entry.getKey(), utf8(entry.getValue()));
        }
        return new ProducerRecord<>(topic, null, envelope.jobId(), Json.toBytes(envelope), headers);
    }

    /**
     * Reads the envelope from the record's value.
     *
     * @throws IllegalArgumentException if the value is missing or not an envelope
     */
    static JobEnvelope fromRecord(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("the record has no value");
        }
        try {
            return Json.fromBytes(record.value(), JobEnvelope.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the value is not a job envelope: " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
