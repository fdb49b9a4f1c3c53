package dev.offload.gateway.blocking;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a blocking client's calls (Jedis) off the event loop: on a platform thread while fewer calls than the client has
 * connections are running, on a virtual thread beyond that.
 *
 * <p>Why not a virtual thread for every call: a virtual thread blocked in a socket read parks, and resuming it takes
 * two more thread wake-ups per round trip, the JDK's poller and a carrier; a platform thread blocked in {@code read()}
 * is woken by the kernel itself. At the gateway's usual concurrency, a few calls at once, that difference was 8–10 %
 * of its CPU (docs/performance.md, fifth session). Why not platform threads only: a call beyond the client's
 * connections waits for one, and it should wait the way the client makes it wait (up to its pool timeout, then "store
 * unavailable"), on a thread that costs nothing, not in a queue of ours that has no deadline.
 *
 * <p>Platform threads are made on demand, at most {@value #MAX_PLATFORM_THREADS}, and end after
 * {@value #IDLE_SECONDS} s without work. Thread-safe.
 */
public final class ConnectionThreads implements Executor, AutoCloseable {
    /** The default Redis pool size; a client with more connections (or none) gets virtual threads beyond it. */
    static final int MAX_PLATFORM_THREADS = 64;

    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor platform;
    private final ExecutorService overflow;

    /**
     * @param name the threads' name (platform threads get a number after it)
     * @param connections how many calls the client serves at once without waiting for a connection
     */
    public ConnectionThreads(String name, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, but was " + connections);
        }
        this.overflow =
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name).factory());
        // No queue (a SynchronousQueue hands a task to an idle thread or to a new one): a call that finds every
        // platform thread busy goes to a virtual thread at once instead of waiting behind the others.
        this.platform = new ThreadPoolExecutor(
                0,
                Math.min(connections, MAX_PLATFORM_THREADS),
                IDLE_SECONDS,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name(name + "-", 0).factory(),
                (task, pool) -> overflow.execute(task));
    }

    @Override
    public void execute(Runnable call) {
        platform.execute(call);
    }

    /** Platform threads alive now (busy or idle), for tests. */
    int platformThreads() {
        return platform.getPoolSize();
    }

    /** Runs no new calls; calls already running finish. */
    @Override
    public void close() {
        platform.shutdown();
        overflow.shutdown();
    }
}
