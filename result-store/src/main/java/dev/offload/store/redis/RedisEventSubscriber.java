package dev.offload.store.redis;

import dev.offload.model.JobEvent;
import dev.offload.model.Json;
import dev.offload.store.JobStore;
import dev.offload.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Delivers job events published on the store's channel to in-process listeners. One daemon thread holds a blocking
 * SUBSCRIBE on a connection of its own (not from the pool) and calls the listeners; after a connection loss it
 * subscribes again with backoff. Events published while it is disconnected are lost: pub/sub is a wake-up signal,
 * and its users re-read the job. Thread-safe.
 */
final class RedisEventSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEventSubscriber.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final String channel;
    private final Duration timeout;
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private volatile JedisPubSub pubSub;
    private volatile Jedis connection;
    private volatile boolean closed;
    private Thread thread;

    RedisEventSubscriber(HostAndPort address, JedisClientConfig clientConfig, String channel, Duration timeout) {
        this.address = address;
        this.clientConfig = clientConfig;
        this.channel = channel;
        this.timeout = timeout;
    }

    /** Adds a listener; returns once the channel subscription is active, so later writes reach the listener. */
    JobStore.Subscription add(Consumer<JobEvent> listener) {
        startOnce();
        listeners.add(listener);
        try {
            subscribed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            listeners.remove(listener);
            throw new StoreUnavailableException("cannot subscribe to job events on Redis " + address, e);
        } catch (InterruptedException e) {
            listeners.remove(listener);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while subscribing to job events", e);
        }
        return () -> listeners.remove(listener);
    }

    private synchronized void startOnce() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("offload-store-events").start(this::run);
        }
    }

    private void run() {
        long backoffMillis = 100;
        while (!closed) {
            try (Jedis jedis = new Jedis(address, clientConfig)) {
                connection = jedis;
                JedisPubSub current = new Dispatcher();
                pubSub = current;
                jedis.subscribe(current, channel); // blocks until unsubscribed or the connection breaks
                backoffMillis = 100;
            } catch (JedisException e) {
                if (closed) {
                    return;
                }
                LOG.warn(
                        "job event subscription to {} lost, retrying in {} ms: {}",
                        address,
                        backoffMillis,
                        e.getMessage());
                if (!pause(backoffMillis)) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            } finally {
                if (subscribed.isDone()) {
                    subscribed = new CompletableFuture<>();
                }
            }
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis); // retry backoff of the background thread, not a test wait
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void dispatch(String message) {
        JobEvent event;
        try {
            event = Json.fromString(message, JobEvent.class);
        } catch (RuntimeException e) {
            LOG.warn("ignoring a malformed job event on {}: {}", channel, e.getMessage());
            return;
        }
        for (Consumer<JobEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("job event listener failed for job {}", event.jobId(), e);
            }
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
        }
        if (running == null) {
            return;
        }
        JedisPubSub current = pubSub;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (JedisException e) {
                LOG.debug("unsubscribe failed while closing", e);
            }
        }
        running.interrupt();
        awaitEnd(running);
    }

    private void awaitEnd(Thread running) {
        try {
            if (!running.join(timeout)) {
                Jedis stuck = connection;
                if (stuck != null) {
                    stuck.disconnect(); // breaks a blocked read; the thread then sees `closed`
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Dispatcher extends JedisPubSub {
        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            subscribed.complete(null);
        }

        @Override
        public void onMessage(String channel, String message) {
            dispatch(message);
        }
    }
}
