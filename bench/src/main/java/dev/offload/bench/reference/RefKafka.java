package dev.offload.bench.reference;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The raw producer ceiling: one idempotent acks=all producer sending {@code recordSize}-byte records as fast as it
 * accepts them (its buffer is the back-pressure: {@code send} blocks when {@code buffer.memory} is full) for a fixed
 * time, counting acknowledged records. Blocking; not thread-safe.
 */
public final class RefKafka {

    /**
     * @param seconds the time the records were sent in, until the last acknowledgement
     * @param acknowledged records the broker acknowledged
     * @param failed records whose send failed
     * @param recordsPerSecond acknowledged records per second
     * @param perSecond acknowledged records in each second
     */
    public record Result(
            double seconds, long acknowledged, long failed, double recordsPerSecond, List<Long> perSecond) {}

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final int recordSize;
    private final PrintStream progress;

    public RefKafka(Producer<String, byte[]> producer, String topic, int recordSize, PrintStream progress) {
        this.producer = producer;
        this.topic = topic;
        this.recordSize = recordSize;
        this.progress = progress;
    }

    public Result run(Duration duration) {
        byte[] value = new byte[recordSize];
        ThreadLocalRandom.current().nextBytes(value);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> perSecond = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextSecond = start + 1_000_000_000L;
        long lastAcked = 0;
        long key = 0;
        while (System.nanoTime() < end) {
            producer.send(new ProducerRecord<>(topic, Long.toString(key++), value), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
            if (System.nanoTime() >= nextSecond) {
                long now = acked.get();
                perSecond.add(now - lastAcked);
                progress.printf(Locale.ROOT, "%4ds acknowledged %8d records/s%n", perSecond.size(), now - lastAcked);
                lastAcked = now;
                nextSecond += 1_000_000_000L;
            }
        }
        producer.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(seconds, acked.get(), failed.get(), acked.get() / seconds, perSecond);
    }
}
