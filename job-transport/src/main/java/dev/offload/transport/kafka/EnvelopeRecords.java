package dev.offload.transport.kafka;

import dev.offload.model.JobEnvelope;
import dev.offload.model.Json;
import dev.offload.transport.EnvelopeHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka form of a {@link JobEnvelope}: key = job id, value = the envelope JSON, and the {@link EnvelopeHeaders}
 * as record headers. The value is the single source of truth when reading; the headers are for everyone else.
 */
final class EnvelopeRecords {
    private EnvelopeRecords() {}

    static ProducerRecord<String, byte[]> toRecord(String topic, JobEnvelope envelope) {
        Headers headers = new RecordHeaders();
        EnvelopeHeaders.of(envelope).forEach((name, value) -> headers.add(name, utf8(value)));
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
