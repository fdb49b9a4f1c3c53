package dev.offload.gateway.limits;

import dev.offload.gateway.http.ApiException;
import dev.offload.store.JobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sheds new submissions while the system behind the gateway is overloaded: when the broker backlog passes
 * {@code shedding.maxBrokerBacklog} or a store round trip takes longer than {@code shedding.maxStoreLatency}, new
 * submissions get 503 with {@code Retry-After}; polls and everything else keep working, so clients can still collect
 * what was accepted. Both are measured every {@code shedding.probeInterval} by a periodic timer, and the cached
 * verdict is all a submission reads: shedding costs a request nothing. A probe that fails (broker or store down)
 * does not shed: those failures answer 503 on their own.
 *
 * <p>Gauges {@code offload_gateway_shedding} (1 while shedding), {@code offload_broker_backlog} and
 * {@code offload_store_probe_latency_seconds}. Thread-safe; the timer runs on an event loop and the blocking store
 * PING on a virtual thread.
 */
public final class LoadShedder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadShedder.class);

    private static final String BROKER_BACKLOG = "broker-backlog";
    private static final String STORE_LATENCY = "store-latency";

    private final Vertx vertx;
    private final LimitsConfig config;
    private final JobStore store;
    private final Supplier<Future<Long>> backlog;
    private final LimitMetrics metrics;
    private final ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("offload-shedding-probe-", 0).factory());
    private final AtomicLong lastBacklog = new AtomicLong(-1);
    private final AtomicLong lastLatencyNanos = new AtomicLong(-1);
    private volatile Verdict verdict;
    private volatile boolean probing;
    private long timer = -1;

    LoadShedder(
            Vertx vertx,
            LimitsConfig config,
            JobStore store,
            Supplier<Future<Long>> backlog,
            LimitMetrics metrics,
            MeterRegistry meters) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.backlog = backlog;
        this.metrics = metrics;
        Gauge.builder("offload.gateway.shedding", () -> verdict == null ? 0 : 1)
                .description("1 while new submissions are shed (broker backlog or store latency past its bound)")
                .register(meters);
        Gauge.builder("offload.broker.backlog", lastBacklog::get)
                .description("Messages waiting on the broker at the last probe (-1: unknown)")
                .register(meters);
        Gauge.builder("offload.store.probe.latency", () -> lastLatencyNanos.get() / 1e9)
                .description("Round trip of the last store PING, in seconds (-1e-9: unknown)")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Whether any bound is configured; without one the shedder never probes. */
    boolean enabled() {
        return config.maxBrokerBacklog() > 0 || !config.maxStoreLatency().isZero();
    }

    /** Starts the periodic probe. */
    void start() {
        if (enabled()) {
            timer = vertx.setPeriodic(0, config.probeInterval().toMillis(), id -> probe());
        }
    }

    /** Route handler for submissions: 503 while shedding, else on. */
    public void handle(RoutingContext ctx) {
        Verdict why = verdict;
        if (why == null) {
            ctx.next();
            return;
        }
        metrics.shed(why.cause());
        ctx.fail(ApiException.unavailable(
                "Offload is overloaded (" + why.detail() + "); new jobs are not accepted for now, polling still"
                        + " works; retry later",
                config.shedRetryAfter()));
    }

    /**
     * For readiness details: whether submissions are shed now and why ({@code reason} {@code broker-backlog} or
     * {@code store-latency}, and {@code detail}), and the last measurement of each configured bound ({@code null}
     * while unknown: the probe failed or has not run yet). Shedding never makes the gateway unready: polls still work.
     */
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        Verdict now = verdict;
        state.put("shedding", now != null);
        if (now != null) {
            state.put("reason", now.cause());
            state.put("detail", now.detail());
        }
        if (config.maxBrokerBacklog() > 0) {
            long backlog = lastBacklog.get();
            state.put("brokerBacklog", measurement(backlog < 0 ? null : backlog, config.maxBrokerBacklog()));
        }
        if (!config.maxStoreLatency().isZero()) {
            long nanos = lastLatencyNanos.get();
            state.put(
                    "storeLatencyMs",
                    measurement(
                            nanos < 0 ? null : nanos / 1e6,
                            config.maxStoreLatency().toMillis()));
        }
        return state;
    }

    private static Map<String, Object> measurement(Number measured, long bound) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("measured", measured);
        pair.put("bound", bound);
        return pair;
    }

    private void probe() {
        if (probing) {
            return; // the previous probe is still out: a slow store must not pile probes up
        }
        probing = true;
        Future<Verdict> backlogVerdict = config.maxBrokerBacklog() > 0 ? backlogVerdict() : Future.succeededFuture();
        Future<Verdict> latencyVerdict =
                config.maxStoreLatency().isZero() ? Future.succeededFuture() : latencyVerdict();
        Future.join(backlogVerdict, latencyVerdict).onComplete(done -> {
            probing = false;
            Verdict now = backlogVerdict.succeeded() && backlogVerdict.result() != null
                    ? backlogVerdict.result()
                    : latencyVerdict.succeeded() ? latencyVerdict.result() : null;
            if (now != null && verdict == null) {
                LOG.warn("shedding new submissions: {}", now.detail());
            } else if (now == null && verdict != null) {
                LOG.info("no longer shedding submissions");
            }
            verdict = now;
        });
    }

    private Future<Verdict> backlogVerdict() {
        return backlog.get()
                .map(messages -> {
                    lastBacklog.set(messages);
                    return messages > config.maxBrokerBacklog()
                            ? new Verdict(
                                    BROKER_BACKLOG,
                                    "broker backlog of " + messages + " messages exceeds shedding.maxBrokerBacklog "
                                            + config.maxBrokerBacklog())
                            : null;
                })
                .onFailure(e -> {
                    lastBacklog.set(-1);
                    LOG.debug("broker backlog probe failed: {}", e.toString());
                });
    }

    private Future<Verdict> latencyVerdict() {
        Duration timeout = config.maxStoreLatency().multipliedBy(4).plus(config.probeInterval());
        CompletableFuture<Long> ping = CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    store.ping();
                    return System.nanoTime() - start;
                },
                virtualThreads);
        return Future.fromCompletionStage(ping, vertx.getOrCreateContext())
                .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .map(nanos -> {
                    lastLatencyNanos.set(nanos);
                    Duration latency = Duration.ofNanos(nanos);
                    return latency.compareTo(config.maxStoreLatency()) > 0
                            ? new Verdict(
                                    STORE_LATENCY,
                                    "store round trip of " + latency.toMillis() + " ms exceeds"
                                            + " shedding.maxStoreLatency "
                                            + config.maxStoreLatency().toMillis()
                                            + " ms")
                            : null;
                })
                .recover(e -> {
                    lastLatencyNanos.set(-1);
                    // A PING that outlives four bounds is slow, not absent: shed. A store that refuses is an
                    // outage, which answers 503 on its own.
                    return e instanceof java.util.concurrent.TimeoutException
                            ? Future.succeededFuture(new Verdict(
                                    STORE_LATENCY,
                                    "store round trip exceeds shedding.maxStoreLatency "
                                            + config.maxStoreLatency().toMillis() + " ms"))
                            : Future.failedFuture(e);
                });
    }

    /**
     * Why submissions are shed.
     *
     * @param cause the bound passed, {@code broker-backlog} or {@code store-latency} (the metric's reason tag)
     * @param detail the measured value against its bound, for clients and operators
     */
    private record Verdict(String cause, String detail) {}

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        virtualThreads.shutdown();
    }
}
