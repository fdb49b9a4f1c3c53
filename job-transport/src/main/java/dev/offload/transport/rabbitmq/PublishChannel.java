package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnroutableJobException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One publisher channel in confirm mode with its unconfirmed publishes, keyed by publish sequence number (the delivery
 * tag of the broker's confirm). Confirms are handled asynchronously: {@link ConfirmListener} completes the waiting
 * future on the client's connection thread; nobody waits for confirms on a thread.
 *
 * <p>A {@code mandatory} message that no queue takes is returned by the broker before it is confirmed: the return
 * fails the future with {@link UnroutableJobException}, and the later ack finds it completed already. When the channel
 * or its connection goes down, every unconfirmed publish fails with {@link TransportUnavailableException} (the client
 * recovers the channel by itself; the next publishes use it again).
 *
 * <p>Thread-safe: {@link #publish} serialises the sequence number and the write; the listeners run on the client's
 * thread.
 */
final class PublishChannel {
    private final Channel channel;
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final ReentrantLock writing = new ReentrantLock();

    private record Pending(String jobId, CompletableFuture<Void> done) {}

    PublishChannel(Channel channel) throws IOException {
        this.channel = channel;
        channel.confirmSelect();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                settle(tag, multiple, null);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                settle(
                        tag,
                        multiple,
                        "RabbitMQ refused the job (negative publisher confirm: queue full or broker" + " failure)");
            }
        });
        channel.addReturnListener(this::returned);
        channel.addShutdownListener(this::lost);
    }

    /**
     * Writes one persistent, mandatory message; {@code done} completes when the broker confirms it. Blocks while the
     * socket (or the broker's flow control) holds the write: call it on a virtual thread.
     */
    void publish(
            String exchange,
            String routingKey,
            AMQP.BasicProperties properties,
            byte[] body,
            String jobId,
            CompletableFuture<Void> done)
            throws IOException {
        writing.lock();
        try {
            long sequence = channel.getNextPublishSeqNo();
            unconfirmed.put(sequence, new Pending(jobId, done));
            done.whenComplete((ok, failure) -> unconfirmed.remove(sequence)); // also on timeout
            try {
                channel.basicPublish(exchange, routingKey, true, properties, body);
            } catch (IOException | RuntimeException e) {
                unconfirmed.remove(sequence);
                throw e;
            }
        } finally {
            writing.unlock();
        }
    }

    /** Open, or closed for good (not merely waiting for the connection to recover). */
    boolean usable() {
        return channel.isOpen() || !channel.getConnection().isOpen();
    }

    void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // closing anyway
        }
    }

    private void settle(long tag, boolean multiple, String refusal) {
        Map<Long, Pending> settled = multiple ? unconfirmed.headMap(tag, true) : single(tag);
        for (Pending pending : settled.values()) {
            if (refusal == null) {
                pending.done().complete(null);
            } else {
                pending.done()
                        .completeExceptionally(
                                new TransportUnavailableException(refusal + "; job " + pending.jobId(), null));
            }
        }
        settled.clear();
    }

    private Map<Long, Pending> single(long tag) {
        Pending pending = unconfirmed.get(tag);
        return pending == null ? unconfirmed.subMap(tag, tag) : unconfirmed.subMap(tag, true, tag, true);
    }

    private void returned(Return message) {
        String jobId = message.getProperties().getMessageId();
        UnroutableJobException unroutable = new UnroutableJobException("RabbitMQ could route job " + jobId
                + " to no queue: exchange '" + message.getExchange() + "' has no queue bound for routing key '"
                + message.getRoutingKey() + "' (" + message.getReplyText() + "). The queue was deleted or never"
                + " declared on this broker; restarting Offload declares it again. Nothing was queued.");
        for (Pending pending : unconfirmed.values()) {
            if (pending.jobId().equals(jobId) && pending.done().completeExceptionally(unroutable)) {
                return;
            }
        }
    }

    private void lost(ShutdownSignalException cause) {
        TransportUnavailableException failure = new TransportUnavailableException(
                "the RabbitMQ channel closed before the broker confirmed the job: " + RabbitMqClients.describe(cause),
                cause);
        unconfirmed.values().forEach(pending -> pending.done().completeExceptionally(failure));
        unconfirmed.clear();
    }
}
