package dev.offload.bench;

import dev.offload.bench.reference.RefAcceptServer;
import dev.offload.bench.reference.RefHttpServer;
import dev.offload.bench.reference.ReferenceClients;
import dev.offload.bench.report.ProcessUsage;
import dev.offload.bench.report.ReportWriter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

/** The reference ceilings: two servers that run until SIGTERM, and the raw producer rate. */
final class ReferenceCommands {

    private ReferenceCommands() {}

    /** Options of the reference servers. */
    abstract static class ServerOptions {
        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;

        @Option(names = "--port", defaultValue = "8180")
        int port;

        @Option(names = "--instances", defaultValue = "2", description = "Server verticles, one per event loop.")
        int instances;

        @Option(names = "--body-size", defaultValue = "400", description = "Bytes of the 202 body (a job document).")
        int bodySize;

        /** Blocks until the JVM is asked to stop; the shutdown hook closes Vert.x and then {@code cleanup}. */
        static void serveUntilStopped(Vertx vertx, String name, String address, Runnable cleanup)
                throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                vertx.close().await();
                cleanup.run();
                stopped.countDown();
            }));
            System.out.println(name + " listening on " + address);
            stopped.await();
        }
    }

    @Command(name = "ref-http", description = "Bare Vert.x server answering 202 with a job-document-sized body.")
    static final class RefHttp extends ServerOptions implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            Vertx vertx = Vertx.vertx();
            vertx.deployVerticle(
                            () -> new RefHttpServer(host, port, bodySize),
                            new DeploymentOptions().setInstances(instances))
                    .await();
            serveUntilStopped(vertx, "ref-http", host + ":" + port, () -> {});
            return 0;
        }
    }

    @Command(name = "ref-accept", description = "Vert.x -> one Redis SET -> one Kafka send (acks=all) -> 202.")
    static final class RefAccept extends ServerOptions implements Callable<Integer> {
        @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379")
        URI redis;

        @Option(names = "--redis-pool", defaultValue = "64")
        int redisPool;

        @Option(names = "--key-prefix", defaultValue = "offload-bench-ref")
        String keyPrefix;

        @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "offload-bench-ref-accept")
        String topic;

        @Option(names = "--partitions", defaultValue = "4")
        int partitions;

        @Override
        public Integer call() throws Exception {
            ReferenceClients.createTopic(bootstrap, topic, partitions);
            RedisClient redisClient = ReferenceClients.redis(redis, redisPool);
            Producer<String, byte[]> producer = ReferenceClients.producer(bootstrap);
            ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
            var clients = new RefAcceptServer.Clients(redisClient, producer, virtualThreads, keyPrefix, topic);
            Vertx vertx = Vertx.vertx();
            vertx.deployVerticle(
                            () -> new RefAcceptServer(host, port, bodySize, clients),
                            new DeploymentOptions().setInstances(instances))
                    .await();
            serveUntilStopped(vertx, "ref-accept", host + ":" + port, () -> {
                producer.close(Duration.ofSeconds(10));
                redisClient.close();
                virtualThreads.close();
            });
            return 0;
        }
    }

    @Command(name = "ref-kafka", description = "Raw idempotent acks=all producer rate with 1 KiB records.")
    static final class RefKafka implements Callable<Integer> {
        @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "offload-bench-ref-kafka")
        String topic;

        @Option(names = "--partitions", defaultValue = "4")
        int partitions;

        @Option(names = "--record-size", defaultValue = "1024")
        int recordSize;

        @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class)
        Duration duration;

        @Option(names = "--results", defaultValue = "bench/results")
        Path results;

        @Option(names = "--name", defaultValue = "ref-kafka", description = "Name of the run in the results.")
        String name;

        @Override
        public Integer call() throws Exception {
            ReferenceClients.createTopic(bootstrap, topic, partitions);
            Instant started = Instant.now();
            dev.offload.bench.reference.RefKafka.Result result;
            try (Producer<String, byte[]> producer = ReferenceClients.producer(bootstrap)) {
                result =
                        new dev.offload.bench.reference.RefKafka(producer, topic, recordSize, System.err).run(duration);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("scenario", name);
            report.put("startedAt", started.toString());
            report.put(
                    "config",
                    Map.of(
                            "bootstrap",
                            bootstrap,
                            "topic",
                            topic,
                            "partitions",
                            partitions,
                            "recordSize",
                            recordSize,
                            "duration",
                            duration.toString(),
                            "acks",
                            "all",
                            "idempotent",
                            true));
            report.put("result", result);
            report.put("generator", ProcessUsage.current());
            Files.createDirectories(results);
            Path file = results.resolve(name + "-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(started)
                    + ".json");
            Files.writeString(file, ReportWriter.toJson(report));
            System.out.printf(
                    "== ref-kafka ==%n  acknowledged         %d records in %.1f s%n"
                            + "  rate                 %.1f records/s%n  failed               %d%n  results              %s%n",
                    result.acknowledged(), result.seconds(), result.recordsPerSecond(), result.failed(), file);
            return result.failed() == 0 ? 0 : BenchCli.FAILED_OPERATIONS;
        }
    }
}
