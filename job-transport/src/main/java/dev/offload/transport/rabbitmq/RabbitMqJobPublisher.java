package dev.offload.transport.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnknownQueueException;
import dev.offload.transport.UnroutableJobException;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes envelopes as persistent, mandatory messages to the jobs exchange, with publisher confirms handled
 * asynchronously ({@link PublishChannel}) on a bounded pool of channels of one connection.
 *
 * <p>Threading: thread-safe and non-blocking. Every blocking client call (connecting, opening a channel, the socket
 * write of {@code basicPublish}) runs on a virtual thread of the transport's {@code blocking} executor, never on the
 * caller's thread, which may be an event loop. The confirm completes the future on the client's connection thread;
 * the returned Vert.x future then completes on the caller's context if there is one. Every publish is bounded by
 * {@code transport.rabbitmq.publishTimeout} (connecting, waiting for a channel and the confirm together): past it the
 * future fails with {@link TransportUnavailableException}, which the gateway answers with 503 + Retry-After.
 */
final class RabbitMqJobPublisher implements JobPublisher {
    private final RabbitMqTransportConfig config;
    private final ConnectionFactory factory;
    private final ExecutorService blocking;
    private final ReentrantLock connecting = new ReentrantLock();
    private final BlockingQueue<PublishChannel> idle;
    private final AtomicInteger channels = new AtomicInteger();
    private volatile Connection connection;
    private volatile boolean closed;

    RabbitMqJobPublisher(RabbitMqTransportConfig config, ConnectionFactory factory, ExecutorService blocking) {
        this.config = config;
        this.factory = factory;
        this.blocking = blocking;
        this.idle = new ArrayBlockingQueue<>(config.channelPoolSize());
    }

    @Override
    public Future<Void> publish(JobEnvelope envelope) {
        if (!config.queues().contains(envelope.queue())) {
            return Future.failedFuture(new UnknownQueueException(envelope.queue()));
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        confirmed.orTimeout(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        run(() -> write(envelope, deadline, confirmed), confirmed);
        return RabbitMqJobTransport.onCallerContext(confirmed).recover(e -> Future.failedFuture(explain(envelope, e)));
    }

    private void write(JobEnvelope envelope, long deadline, CompletableFuture<Void> confirmed) throws Exception {
        PublishChannel channel = borrow(deadline);
        try {
            channel.publish(
                    config.exchange(),
                    envelope.queue(),
                    EnvelopeMessages.properties(envelope),
                    EnvelopeMessages.body(envelope),
                    envelope.jobId(),
                    confirmed);
        } finally {
            idle.offer(channel);
        }
    }

    /** An idle channel, a new one while the pool is not full, or the next one given back before the deadline. */
    private PublishChannel borrow(long deadline) throws Exception {
        while (true) {
            PublishChannel channel = idle.poll();
            if (channel == null && channels.incrementAndGet() <= config.channelPoolSize()) {
                try {
                    return new PublishChannel(connection().createChannel());
                } catch (IOException | RuntimeException e) {
                    channels.decrementAndGet();
                    throw e;
                }
            } else if (channel == null) {
                channels.decrementAndGet();
                channel = idle.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (channel == null) {
                    throw new TimeoutException("no publisher channel became free");
                }
            }
            if (channel.usable()) {
                return channel;
            }
            channel.close(); // closed by a channel error; the connection is fine: open another one
            channels.decrementAndGet();
        }
    }

    /** The publisher's connection, connecting first if needed (the client's recovery takes over after that). */
    Connection connection() {
        Connection current = connection;
        if (current != null) {
            return current;
        }
        connecting.lock();
        try {
            if (closed) {
                throw new TransportUnavailableException("the RabbitMQ transport is closed", null);
            }
            if (connection == null) {
                connection = RabbitMqClients.connect(factory, config, "offload-publisher", null);
            }
            return connection;
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public Future<Void> checkHealth() {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        Duration bound = config.publishTimeout().compareTo(Duration.ofSeconds(3)) < 0
                ? config.publishTimeout()
                : Duration.ofSeconds(3);
        answered.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS);
        run(
                () -> {
                    if (!connection().isOpen()) {
                        throw new TransportUnavailableException("the connection is down and recovering", null);
                    }
                    answered.complete(null);
                },
                answered);
        return RabbitMqJobTransport.onCallerContext(answered)
                .recover(e -> Future.failedFuture(new TransportUnavailableException(
                        "RabbitMQ at " + config.displayUri() + " did not answer: " + RabbitMqClients.describe(e), e)));
    }

    @Override
    public Future<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(
                () -> {
                    connecting.lock();
                    try {
                        closed = true;
                        if (connection != null) {
                            connection.close((int) config.publishTimeout().toMillis());
                        }
                    } finally {
                        connecting.unlock();
                    }
                    done.complete(null);
                },
                done);
        return RabbitMqJobTransport.onCallerContext(done);
    }

    @FunctionalInterface
    interface BlockingCall {
        void run() throws Exception;
    }

    /** Runs a blocking call on a virtual thread; its failure fails {@code outcome}. */
    private void run(BlockingCall call, CompletableFuture<?> outcome) {
        try {
            blocking.execute(() -> {
                try {
                    call.run();
                } catch (Exception e) {
                    outcome.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            outcome.completeExceptionally(new TransportUnavailableException("the RabbitMQ transport is closed", e));
        }
    }

    private Throwable explain(JobEnvelope envelope, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TransportUnavailableException
                || cause instanceof UnroutableJobException
                || cause instanceof UnknownQueueException) {
            return cause;
        }
        String why = cause instanceof TimeoutException
                ? "did not confirm it within " + config.publishTimeout().toMillis() + " ms"
                : "failed: " + RabbitMqClients.describe(cause);
        return new TransportUnavailableException(
                "RabbitMQ publish of job " + envelope.jobId() + " on queue '" + envelope.queue() + "' " + why, cause);
    }
}
