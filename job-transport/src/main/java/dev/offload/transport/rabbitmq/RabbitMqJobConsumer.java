package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.offload.model.JobEnvelope;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobConsumer;
import dev.offload.transport.JobDeliveryHandler;
import dev.offload.transport.RabbitMqTransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RabbitMQ {@link JobConsumer}: competing consumers on the queues' RabbitMQ queues over a connection of its own,
 * manual acknowledgement, at most {@code maxInFlight} messages handed to the handler at once.
 *
 * <p>Acknowledgement follows design §4: a message is acked only when the handler's stage completed normally, that is
 * when the worker recorded a terminal state or durably scheduled the next attempt. A stage that fails makes the
 * consumer return the message to the queue ({@code basic.nack} with requeue) after {@value #RETRY_BACKOFF_MS} ms; the
 * quorum queue counts returns and dead-letters the message after {@code transport.rabbitmq.deliveryLimit} of them. A
 * message whose body is not an envelope can never succeed: it is rejected without requeue and goes to the queue's
 * dead-letter queue at once. When the channel or connection is lost, the broker returns every unacknowledged message
 * to its queue for redelivery; the client reconnects, re-declares and re-registers the consumers by itself, and acks
 * for deliveries of the lost channel are dropped (those messages come again; the store's compare-and-set keeps the
 * outcome single).
 *
 * <p>Flow control: {@code basic.qos} prefetch = {@code maxInFlight} per queue, so the broker hands a worker no more
 * than it may run; with several queues the surplus waits, unacked, in a small local buffer.
 *
 * <p><b>Long jobs and {@code consumer_timeout}.</b> RabbitMQ closes a channel whose delivery stays unacknowledged
 * longer than its {@code consumer_timeout} (30 minutes by default) with PRECONDITION_FAILED, and returns every
 * unacked message of the channel to its queue. An ack arrives only after the job finished, so a job may run at most
 * that long: an operator running longer jobs (job {@code timeoutSeconds} near or above it) must raise
 * {@code consumer_timeout} in {@code rabbitmq.conf} above the longest job timeout. Should it happen anyway, this
 * consumer logs an error naming the setting and subscribes again on a new channel; the returned jobs run again after
 * their lease, and only the first outcome of an attempt is recorded.
 *
 * <p>Threading: thread-safe. All state is confined to one serial executor on a virtual thread (deliveries, handler
 * completions, acks and nacks are handed to it); blocking client calls (connect, qos, consume, cancel, ack, close)
 * run there or on the transport's virtual threads, never on an event loop. The handler is called on that virtual
 * thread and must not block. Futures complete on the caller's Vert.x context if there is one.
 */
final class RabbitMqJobConsumer implements JobConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqJobConsumer.class);
    private static final long RETRY_BACKOFF_MS = 500;
    private static final long RESUBSCRIBE_BACKOFF_MS = 1_000;
    private static final int MAX_PREFETCH = 65_535;
    private static final AtomicInteger COUNT = new AtomicInteger();

    private enum State {
        NEW,
        RUNNING,
        STOPPING,
        STOPPED
    }

    /** One delivery and the channel it came on: an ack must go to that channel. */
    private record Delivery(Channel channel, long tag, JobEnvelope envelope) {}

    private final Vertx vertx;
    private final RabbitMqTransportConfig config;
    private final ConnectionFactory factory;
    private final ConsumerOptions options;
    private final String name = "offload-consumer-" + COUNT.incrementAndGet();
    private final ExecutorService serial =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().name(name).factory());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();

    private volatile State state = State.NEW;
    private JobDeliveryHandler handler;
    private Connection connection;
    private Channel channel;
    private CompletableFuture<Void> drained;
    private CompletableFuture<Void> stopped;

    RabbitMqJobConsumer(
            Vertx vertx, RabbitMqTransportConfig config, ConnectionFactory factory, ConsumerOptions options) {
        this.vertx = vertx;
        this.config = config;
        this.factory = factory;
        this.options = options;
    }

    @Override
    public Future<Void> start(JobDeliveryHandler handler) {
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        serial.execute(() -> {
            try {
                subscribe(handler);
                subscribed.complete(null);
            } catch (RuntimeException | IOException e) {
                state = State.STOPPED;
                closeConnection();
                subscribed.completeExceptionally(e);
            }
        });
        return RabbitMqJobTransport.onCallerContext(subscribed);
    }

    private void subscribe(JobDeliveryHandler handler) throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("the consumer was started before");
        }
        this.handler = handler;
        state = State.RUNNING;
        connection = RabbitMqClients.connect(factory, config, name, null);
        openChannel();
    }

    /** A channel with the prefetch and one consumer per queue; the client's recovery re-creates both after a loss. */
    private void openChannel() throws IOException {
        Channel opened = connection.createChannel();
        opened.basicQos(Math.min(MAX_PREFETCH, options.maxInFlight()));
        opened.addShutdownListener(cause -> serial.execute(() -> channelClosed(opened, cause)));
        for (String queue : options.queues()) {
            opened.basicConsume(config.queueName(queue), false, name + "-" + queue, new DefaultConsumer(opened) {
                @Override
                public void handleDelivery(
                        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    serial.execute(() -> received(opened, envelope, body));
                }
            });
        }
        channel = opened;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    // ---- deliveries (on the serial executor) -------------------------------------------------------------------

    private void received(Channel from, Envelope envelope, byte[] body) {
        if (state != State.RUNNING) {
            return; // not acked: the broker returns it when the connection closes
        }
        JobEnvelope job;
        try {
            job = EnvelopeMessages.fromBody(body);
        } catch (IllegalArgumentException e) {
            LOG.error(
                    "rejecting message {} from {}: {}; it goes to the dead-letter queue",
                    envelope.getDeliveryTag(),
                    envelope.getRoutingKey(),
                    e.getMessage());
            settle(from, envelope.getDeliveryTag(), Settlement.DEAD_LETTER);
            return;
        }
        buffer.add(new Delivery(from, envelope.getDeliveryTag(), job));
        dispatch();
    }

    private void dispatch() {
        while (state == State.RUNNING && inFlight.get() < options.maxInFlight() && !buffer.isEmpty()) {
            deliver(buffer.poll());
        }
        if (drained != null && inFlight.get() == 0) {
            drained.complete(null);
        }
    }

    private void deliver(Delivery delivery) {
        inFlight.incrementAndGet();
        invoke(delivery.envelope()).whenComplete((ok, failure) -> serial.execute(() -> finished(delivery, failure)));
    }

    private CompletionStage<Void> invoke(JobEnvelope envelope) {
        try {
            CompletionStage<Void> stage = handler.handle(envelope);
            return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException("null stage"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void finished(Delivery delivery, Throwable failure) {
        inFlight.decrementAndGet();
        if (failure == null) {
            settle(delivery.channel(), delivery.tag(), Settlement.ACK);
        } else {
            LOG.warn(
                    "job {} failed in the handler; it will be delivered again",
                    delivery.envelope().jobId(),
                    failure);
            vertx.setTimer(
                    RETRY_BACKOFF_MS,
                    id -> serial.execute(() -> settle(delivery.channel(), delivery.tag(), Settlement.REQUEUE)));
        }
        dispatch();
    }

    private enum Settlement {
        ACK,
        REQUEUE,
        DEAD_LETTER
    }

    private void settle(Channel on, long tag, Settlement settlement) {
        if (!on.isOpen()) {
            // The channel was lost: the broker has returned the message already; it comes again.
            LOG.debug("not settling delivery {} ({}): its channel is closed", tag, settlement);
            return;
        }
        try {
            switch (settlement) {
                case ACK -> on.basicAck(tag, false);
                case REQUEUE -> on.basicNack(tag, false, true);
                case DEAD_LETTER -> on.basicReject(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not settle delivery {} ({}); the broker will deliver it again", tag, settlement, e);
        }
    }

    /**
     * A channel closed. Connection losses are the client's to recover; a channel closed by the broker alone (most
     * likely {@code consumer_timeout}) is not recovered by the client, so this consumer subscribes again.
     */
    private void channelClosed(Channel closed, ShutdownSignalException cause) {
        if (cause.isHardError() || cause.isInitiatedByApplication() || state != State.RUNNING || closed != channel) {
            return;
        }
        String reason = cause.getReason() instanceof AMQP.Channel.Close close ? close.getReplyText() : cause.toString();
        LOG.error(
                "RabbitMQ closed the consumer channel of {} ({}); its unacknowledged jobs go back to the queue. If it"
                        + " says 'delivery acknowledgement timed out', a job ran longer than the broker's"
                        + " consumer_timeout: raise consumer_timeout in rabbitmq.conf above the longest job timeout."
                        + " Subscribing again in {} ms",
                options.queues(),
                reason,
                RESUBSCRIBE_BACKOFF_MS);
        vertx.setTimer(RESUBSCRIBE_BACKOFF_MS, id -> serial.execute(this::resubscribe));
    }

    private void resubscribe() {
        if (state != State.RUNNING || channel.isOpen()) {
            return;
        }
        try {
            openChannel();
        } catch (IOException | RuntimeException e) {
            LOG.warn("subscribing again to {} failed; trying again in {} ms", options.queues(), RESUBSCRIBE_BACKOFF_MS);
            vertx.setTimer(RESUBSCRIBE_BACKOFF_MS, id -> serial.execute(this::resubscribe));
        }
    }

    // ---- stopping --------------------------------------------------------------------------------------------

    @Override
    public Future<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            serial.execute(() -> shutdown().whenComplete((ok, e) -> done.complete(null)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.complete(null); // stopped before
        }
        return RabbitMqJobTransport.onCallerContext(done);
    }

    private CompletableFuture<Void> shutdown() {
        if (stopped != null) {
            return stopped;
        }
        if (state == State.NEW || state == State.STOPPED) {
            state = State.STOPPED;
            stopped = CompletableFuture.completedFuture(null);
            serial.shutdown();
            return stopped;
        }
        state = State.STOPPING;
        cancelConsumers();
        buffer.clear(); // not acked: returned to the queue when the connection closes
        drained = new CompletableFuture<>();
        dispatch();
        stopped = drained.completeOnTimeout(
                        null, Math.max(1, options.shutdownGrace().toMillis()), TimeUnit.MILLISECONDS)
                .thenRunAsync(
                        () -> {
                            if (inFlight.get() > 0) {
                                LOG.warn(
                                        "stopping with {} jobs still running; their messages will be delivered again",
                                        inFlight.get());
                            }
                            state = State.STOPPED;
                            closeConnection(); // after every ack queued before it; unacked messages are returned
                            serial.shutdown();
                        },
                        serial);
        return stopped;
    }

    private void cancelConsumers() {
        for (String queue : options.queues()) {
            try {
                if (channel != null && channel.isOpen()) {
                    channel.basicCancel(name + "-" + queue);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cancelling the consumer of {} failed; closing the connection cancels it", queue, e);
            }
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close((int) config.publishTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the RabbitMQ connection of {} failed", name, e);
        }
    }
}
