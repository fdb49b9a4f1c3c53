package dev.offload.standalone;

import dev.offload.config.Settings;
import dev.offload.gateway.Gateway;
import dev.offload.gateway.GatewayBackends;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.management.HealthCheck;
import dev.offload.gateway.management.ManagementServer;
import dev.offload.store.CacheStore;
import dev.offload.store.CacheStores;
import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.JobWrites;
import dev.offload.store.RateLimitStore;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobTransport;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.Transports;
import dev.offload.webhooks.WebhookStore;
import dev.offload.webhooks.Webhooks;
import dev.offload.webhooks.delivery.WebhookDispatcher;
import dev.offload.webhooks.memory.InMemoryWebhookStore;
import dev.offload.worker.HandlerRegistry;
import dev.offload.worker.Worker;
import dev.offload.worker.WorkerConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Offload process: the roles it was asked to run (gateway, worker or both) over one store, one transport and one
 * management port. Built and stopped from the main thread (it blocks while starting and stopping, never on an event
 * loop). Not thread-safe: start and stop it from one thread.
 */
final class OffloadNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadNode.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Which roles this process runs. */
    record Roles(boolean gateway, boolean worker) {}

    private final Vertx vertx;
    private final PrometheusMeterRegistry meters;
    private final JobStore store;
    private final JobTransport transport;
    private final Gateway gateway;
    private final Worker worker;
    private final ManagementServer management;
    private final GatewayConfig gatewayConfig;
    private final WebhookStore webhooks;
    private final WebhookDispatcher dispatcher;
    private final JobWrites writes;

    private OffloadNode(
            Vertx vertx,
            PrometheusMeterRegistry meters,
            JobStore store,
            JobTransport transport,
            Gateway gateway,
            Worker worker,
            ManagementServer management,
            GatewayConfig gatewayConfig,
            WebhookStore webhooks,
            WebhookDispatcher dispatcher,
            JobWrites writes) {
        this.vertx = vertx;
        this.meters = meters;
        this.store = store;
        this.transport = transport;
        this.gateway = gateway;
        this.worker = worker;
        this.management = management;
        this.gatewayConfig = gatewayConfig;
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.writes = writes;
    }

    /**
     * Reads and validates the whole configuration (all violations at once, each naming its key), then starts the
     * roles. Blocks until everything listens.
     *
     * @param dataDir the embedded store's directory when {@code store.type} is {@code embedded}
     */
    static OffloadNode start(Settings settings, Roles roles, Path dataDir) {
        NodeConfig config = NodeConfig.read(settings, roles);
        ProcessConfig process = config.process();
        KafkaTransportConfig kafka = config.kafka();
        GatewayConfig gatewayConfig = config.gateway();
        WorkerConfig workerConfig = config.worker();

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        Vertx vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        // Webhooks live beside the jobs: in Redis, or in memory next to the embedded store (lost on restart).
        WebhookStore webhooks;
        JobStore store;
        if (process.storeType().equals("embedded")) {
            InMemoryWebhookStore inMemory = Webhooks.inMemory(config.webhooks(), clock);
            webhooks = inMemory;
            store = JobStores.embedded(new EmbeddedStoreConfig(dataDir.resolve("store")), inMemory);
        } else {
            webhooks = Webhooks.redis(config.redis(), config.webhooks(), clock);
            store = JobStores.redis(config.redis());
        }
        // Queues in transport.rabbitmq.queues run on RabbitMQ, the others on Kafka; an unused broker is not contacted.
        JobTransport transport = Transports.configured(vertx, kafka, config.rabbitMq());
        WebhookDispatcher dispatcher = null;
        JobWrites writes = null;
        try {
            await(transport.start(), "connect to " + config.brokers());
            Gateway gateway = null;
            if (roles.gateway()) {
                // The gateway owns (and closes) its cache and rate-limit buckets: in Redis, shared by all replicas;
                // with the embedded store (one process), in memory.
                boolean embedded = process.storeType().equals("embedded");
                CacheStore cache = embedded
                        ? CacheStores.inProcess(gatewayConfig.cache().inProcessEntries())
                        : CacheStores.redis(gatewayConfig.cache().redis(config.redis()));
                RateLimitStore rateLimits =
                        embedded ? JobStores.localRateLimits(clock) : JobStores.redisRateLimits(config.redis());
                GatewayBackends backends =
                        new GatewayBackends(store, transport.publisher(), cache, rateLimits, transport::backlog);
                if (webhooks != null) {
                    backends = backends.withWebhooks(webhooks, config.webhooks());
                }
                if (!embedded) {
                    // A submission's two store writes go from the event loops to Redis and back, no thread between.
                    writes = JobStores.redisWrites(vertx, config.redis());
                    backends = backends.withWrites(writes);
                }
                gateway = new Gateway(vertx, gatewayConfig, backends, clock, meters);
                await(gateway.start(), "listen on " + gatewayConfig.host() + ":" + gatewayConfig.port());
            }
            Worker worker = null;
            if (roles.worker()) {
                var consumer = transport.consumer(new ConsumerOptions(
                        kafka.queues(), kafka.groupId(), workerConfig.concurrency(), workerConfig.shutdownGrace()));
                HandlerRegistry handlers =
                        HandlerRegistry.builder().loadServices().build();
                worker = Worker.create(workerConfig, store, transport.publisher(), consumer, handlers, clock, meters);
                await(worker.start(), "start the worker");
                // The worker role also delivers webhooks: any number of dispatchers share the outbox and schedule.
                dispatcher = new WebhookDispatcher(vertx, webhooks, config.webhooks(), clock, meters);
                dispatcher.start();
            }
            List<HealthCheck> checks = readinessChecks(vertx, store, transport, gateway);
            ManagementServer management = await(
                    ManagementServer.start(vertx, process.managementHost(), process.managementPort(), meters, checks),
                    "listen on management port " + process.managementPort());
            return new OffloadNode(
                    vertx,
                    meters,
                    store,
                    transport,
                    gateway,
                    worker,
                    management,
                    gatewayConfig,
                    webhooks,
                    dispatcher,
                    writes);
        } catch (RuntimeException e) {
            if (dispatcher != null) {
                dispatcher.stop();
            }
            if (writes != null) {
                writes.close();
            }
            webhooks.close();
            store.close();
            vertx.close();
            throw e;
        }
    }

    /** The checks of {@code /health/ready}: the store, the broker and, with a gateway (or {@code null}), its guards. */
    static List<HealthCheck> readinessChecks(Vertx vertx, JobStore store, JobTransport transport, Gateway gateway) {
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(new HealthCheck(
                "store",
                // Jedis blocks its thread for the round trip: off the event loop, unordered so probes never queue.
                () -> vertx.executeBlocking(
                        () -> {
                            store.ping();
                            return null;
                        },
                        false)));
        checks.add(new HealthCheck("broker", () -> transport.publisher().checkHealth()));
        if (gateway != null) {
            checks.addAll(gateway.healthChecks());
        }
        return checks;
    }

    int apiPort() {
        return gateway == null ? -1 : gateway.port();
    }

    int managementPort() {
        return management.port();
    }

    GatewayConfig gatewayConfig() {
        return gatewayConfig;
    }

    /**
     * Shuts down in the order that loses nothing: stop accepting requests, let running jobs finish (up to
     * {@code worker.shutdownGrace}; the rest run again elsewhere after their lease), commit, close the clients.
     */
    @Override
    public void close() {
        if (gateway != null) {
            quietly(gateway.stop(), "stop the gateway");
        }
        if (worker != null) {
            quietly(worker.stop(), "stop the worker");
        }
        if (dispatcher != null) {
            dispatcher.stop();
        }
        quietly(management.stop(), "stop the management server");
        quietly(transport.close(), "close the transport");
        if (writes != null) {
            writes.close();
        }
        webhooks.close();
        store.close();
        quietly(vertx.close(), "close Vert.x");
        meters.close();
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StartupException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StartupException("could not " + what + " within " + START_TIMEOUT.toSeconds() + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while trying to " + what, e);
        }
    }

    private static void quietly(Future<?> future, String what) {
        try {
            CompletableFuture<?> done = future.toCompletionStage().toCompletableFuture();
            done.get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            LOG.warn("could not {} cleanly: {}", what, e instanceof CompletionException ? e.getCause() : e.toString());
        }
    }

    /** Start-up failed; the message says what could not be done. */
    static final class StartupException extends RuntimeException {
        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
