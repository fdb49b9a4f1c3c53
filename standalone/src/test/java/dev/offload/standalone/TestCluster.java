package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.config.Settings;
import dev.offload.gateway.Gateway;
import dev.offload.gateway.GatewayBackends;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.JobDefaults;
import dev.offload.gateway.management.HealthCheck;
import dev.offload.gateway.management.ManagementServer;
import dev.offload.model.JobState;
import dev.offload.store.CacheStores;
import dev.offload.store.JobStore;
import dev.offload.store.JobStores;
import dev.offload.store.JobWrites;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RedisStoreConfig;
import dev.offload.testing.KafkaFixture;
import dev.offload.testing.RabbitMqFixture;
import dev.offload.testing.RedisFixture;
import dev.offload.transport.ConsumerOptions;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.JobTransport;
import dev.offload.transport.KafkaTransportConfig;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.Transports;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookStore;
import dev.offload.webhooks.Webhooks;
import dev.offload.webhooks.delivery.WebhookDispatcher;
import dev.offload.worker.HandlerRegistry;
import dev.offload.worker.Worker;
import dev.offload.worker.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Gateways and workers as separate "processes" (each with its own store connection and Kafka clients) sharing real
 * Redis and a real Kafka broker, isolated from other tests by a random key prefix, topic prefix and consumer group.
 * Queues listed in {@code transport.rabbitmq.queues} (a tweak) run on a real RabbitMQ instead. Workers consume the
 * queue {@code default} only unless told otherwise: jobs on {@code parked} stay queued, for tests that need that.
 */
final class TestCluster implements AutoCloseable {
    static final String KEY_A = "test-key-tenant-a-000000001";
    static final String KEY_B = "test-key-tenant-b-000000002";

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, String> values = new HashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<WebhookDispatcher> dispatchers = new ArrayList<>();
    private final JobStore observer;
    private List<HealthCheck> lastGatewayChecks = List.of();

    TestCluster(UnaryOperator<Map<String, String>> tweaks) {
        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        values.put("transport.kafka.bootstrapServers", KafkaFixture.bootstrapServers());
        values.put("transport.kafka.topicPrefix", run + ".jobs.");
        values.put("transport.kafka.groupId", run);
        values.put("transport.kafka.partitions", "3");
        values.put("transport.queues", "default,parked");
        values.put("store.redis.uri", RedisFixture.uri());
        values.put("store.redis.keyPrefix", run);
        values.put("gateway.host", "127.0.0.1");
        values.put("gateway.port", "0");
        values.put("gateway.instances", "2");
        values.put("gateway.apiKeys", KEY_A + "=tenant-a," + KEY_B + "=tenant-b");
        values.put("jobs.types", "demo.sleep,demo.echo,demo.fail,test.count");
        values.put("jobs.publishGrace", "2s");
        values.put("worker.concurrency", "16");
        values.put("worker.leaseDuration", "3s");
        values.put("worker.heartbeatInterval", "1s");
        values.put("worker.retryBackoff", "200ms");
        values.put("worker.schedulerInterval", "200ms");
        values.put("worker.shutdownGrace", "5s");
        // Webhook receivers in tests are local HTTP servers: reachable only because the tests allowlist 127.0.0.1.
        values.put("webhooks.allowHttp", "true");
        values.put("webhooks.allowedNetworks", "127.0.0.1/32");
        values.put("webhooks.retrySchedule", "0s,200ms,400ms,800ms,1s,1s,1s,1s");
        values.put("webhooks.requestTimeout", "2s");
        values.put("webhooks.pollInterval", "50ms");
        values.put("webhooks.reclaimAfter", "1s");
        tweaks.apply(values);
        if (!values.getOrDefault("transport.rabbitmq.queues", "").isBlank()) {
            // Only tests that put a queue on RabbitMQ need one; the names are the run's own.
            values.putIfAbsent("transport.rabbitmq.uri", RabbitMqFixture.uri());
            values.putIfAbsent("transport.rabbitmq.exchange", run + ".jobs");
            values.putIfAbsent("transport.rabbitmq.queuePrefix", run + ".jobs.");
        }
        observer = JobStores.redis(RedisStoreConfig.from(settings()));
        closeables.add(observer);
    }

    TestCluster() {
        this(v -> v);
    }

    Settings settings() {
        return Settings.of(values);
    }

    /** The Vert.x instance the cluster's gateways run on. */
    Vertx vertx() {
        return vertx;
    }

    /** A store connection of the test's own, for assertions and direct manipulation. */
    JobStore store() {
        return observer;
    }

    /** Waits until every job of {@code ids} has succeeded. */
    void awaitSucceeded(Collection<String> ids, Duration atMost) {
        org.awaitility.Awaitility.await()
                .atMost(atMost)
                .untilAsserted(() -> assertThat(ids)
                        .allSatisfy(
                                id -> assertThat(observer.find(id).orElseThrow().state())
                                        .as(id)
                                        .isEqualTo(JobState.SUCCEEDED)));
    }

    KafkaTransportConfig kafkaConfig() {
        return KafkaTransportConfig.from(settings());
    }

    /** Starts a gateway "process"; {@code publisherDecorator} may wrap its publisher (e.g. to delay it). */
    ApiClient startGateway(UnaryOperator<JobPublisher> publisherDecorator) {
        return startGateway(publisherDecorator, new SimpleMeterRegistry());
    }

    /** Starts a gateway "process" whose meters land in {@code meters}. */
    ApiClient startGateway(UnaryOperator<JobPublisher> publisherDecorator, MeterRegistry meters) {
        return startGateway(publisherDecorator, meters, JobStores.redisRateLimits(RedisStoreConfig.from(settings())));
    }

    /** Starts a gateway "process" with its rate-limit buckets in {@code rateLimits} (closed with the gateway). */
    ApiClient startGateway(
            UnaryOperator<JobPublisher> publisherDecorator, MeterRegistry meters, RateLimitStore rateLimits) {
        // As OffloadNode does on Redis: a submission's writes go through the non-blocking client.
        return startGateway(
                publisherDecorator,
                meters,
                rateLimits,
                JobStores.redisWrites(vertx, RedisStoreConfig.from(settings())));
    }

    /** Starts a gateway "process" whose submission writes go through {@code writes} (closed with the gateway). */
    ApiClient startGateway(JobWrites writes) {
        return startGateway(
                p -> p,
                new SimpleMeterRegistry(),
                JobStores.redisRateLimits(RedisStoreConfig.from(settings())),
                writes);
    }

    private ApiClient startGateway(
            UnaryOperator<JobPublisher> publisherDecorator,
            MeterRegistry meters,
            RateLimitStore rateLimits,
            JobWrites writes) {
        Settings settings = settings();
        KafkaTransportConfig kafka = KafkaTransportConfig.from(settings);
        GatewayConfig config = GatewayConfig.from(settings, JobDefaults.from(settings, new HashSet<>(kafka.queues())));
        JobStore store = JobStores.redis(RedisStoreConfig.from(settings));
        WebhookStore webhooks = webhookStore(settings);
        JobTransport transport = transport(settings);
        closeables.add(store);
        closeables.add(writes);
        closeables.add(() -> await(transport.close()));
        await(transport.start());
        Gateway gateway = new Gateway(
                vertx,
                config,
                new GatewayBackends(
                                store,
                                publisherDecorator.apply(transport.publisher()),
                                CacheStores.redis(config.cache().redis(RedisStoreConfig.from(settings))),
                                rateLimits,
                                transport::backlog)
                        .withWebhooks(webhooks, WebhookConfig.from(settings))
                        .withWrites(writes),
                Clock.systemUTC(),
                meters);
        await(gateway.start());
        gateways.add(gateway);
        lastGatewayChecks = OffloadNode.readinessChecks(vertx, store, transport, gateway);
        return new ApiClient("http://127.0.0.1:" + gateway.port(), KEY_A);
    }

    /**
     * Starts the management port of the gateway started last, as its process would serve it ({@code /health/ready},
     * {@code /metrics} from {@code meters}, which should be the registry that gateway was started with).
     */
    ApiClient startManagement(PrometheusMeterRegistry meters) {
        ManagementServer server = await(ManagementServer.start(vertx, "127.0.0.1", 0, meters, lastGatewayChecks));
        closeables.add(() -> await(server.stop()));
        return new ApiClient("http://127.0.0.1:" + server.port(), null);
    }

    ApiClient startGateway() {
        return startGateway(p -> p);
    }

    /** Starts a worker "process" consuming the queue {@code default}. */
    Worker startWorker(HandlerRegistry handlers) {
        return startWorker(handlers, List.of("default"));
    }

    /** Starts a worker "process" consuming {@code queues}, each on the broker configured for it. */
    Worker startWorker(HandlerRegistry handlers, List<String> queues) {
        Settings settings = settings();
        KafkaTransportConfig kafka = KafkaTransportConfig.from(settings);
        WorkerConfig config = WorkerConfig.from(settings);
        JobStore store = JobStores.redis(RedisStoreConfig.from(settings));
        JobTransport transport = transport(settings);
        closeables.add(store);
        closeables.add(() -> await(transport.close()));
        await(transport.start());
        var consumer = transport.consumer(
                new ConsumerOptions(queues, kafka.groupId(), config.concurrency(), config.shutdownGrace()));
        Worker worker = Worker.create(
                config, store, transport.publisher(), consumer, handlers, Clock.systemUTC(), new SimpleMeterRegistry());
        await(worker.start());
        workers.add(worker);
        return worker;
    }

    /** Starts a webhook dispatcher "process"; stop it to simulate its death. */
    WebhookDispatcher startDispatcher() {
        Settings settings = settings();
        WebhookDispatcher dispatcher = new WebhookDispatcher(
                vertx,
                webhookStore(settings),
                WebhookConfig.from(settings),
                Clock.systemUTC(),
                new SimpleMeterRegistry());
        dispatcher.start();
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    private WebhookStore webhookStore(Settings settings) {
        WebhookStore webhooks =
                Webhooks.redis(RedisStoreConfig.from(settings), WebhookConfig.from(settings), Clock.systemUTC());
        closeables.add(webhooks);
        return webhooks;
    }

    /** The queues in {@code transport.rabbitmq.queues} on RabbitMQ, the others on Kafka, as in {@link OffloadNode}. */
    private JobTransport transport(Settings settings) {
        return Transports.configured(
                vertx, KafkaTransportConfig.from(settings), RabbitMqTransportConfig.from(settings));
    }

    Worker startWorker() {
        return startWorker(HandlerRegistry.builder().loadServices().build());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("operation did not complete: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        for (Gateway gateway : gateways) {
            await(gateway.stop());
        }
        for (Worker worker : workers) {
            try {
                await(worker.stop());
            } catch (AssertionError ignored) {
                // a worker killed by the test is already stopped
            }
        }
        dispatchers.forEach(WebhookDispatcher::stop);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        await(vertx.close());
        deleteRabbitMqTopology();
        RedisFixture.deleteKeys(values.get("store.redis.keyPrefix"));
    }

    /** The run's RabbitMQ queues are durable: delete them, so that test runs do not pile them up on the broker. */
    private void deleteRabbitMqTopology() throws Exception {
        RabbitMqTransportConfig rabbitMq = RabbitMqTransportConfig.from(settings());
        if (rabbitMq.queues().isEmpty()) {
            return;
        }
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(rabbitMq.uri());
        try (var connection = factory.newConnection("it-cleanup");
                var channel = connection.createChannel()) {
            for (String queue : rabbitMq.queues()) {
                channel.queueDelete(rabbitMq.queueName(queue));
                channel.queueDelete(rabbitMq.deadLetterQueueName(queue));
            }
            channel.exchangeDelete(rabbitMq.exchange());
            channel.exchangeDelete(rabbitMq.deadLetterExchange());
        }
    }
}
