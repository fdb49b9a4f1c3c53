package dev.offload.standalone;

import dev.offload.config.ConfigException;
import dev.offload.config.ConfigReference;
import dev.offload.config.Settings;
import dev.offload.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code offload} command: {@code standalone} (everything in one JVM, zero setup), {@code gateway} and
 * {@code worker} (separate processes against external Kafka and Redis), {@code kafka} (a local broker process) and
 * {@code config-reference}.
 */
@Command(
        name = "offload",
        mixinStandardHelpOptions = true,
        version = "Offload 0.1.0-SNAPSHOT",
        description = "Asynchronous request-offload gateway: HTTP in, durable jobs on Kafka, results in Redis.",
        subcommands = {
            OffloadCli.Standalone.class,
            OffloadCli.GatewayRole.class,
            OffloadCli.WorkerRole.class,
            OffloadCli.KafkaCommand.class,
            OffloadCli.ConfigReferenceCommand.class
        })
public final class OffloadCli {
    private OffloadCli() {}

    public static void main(String[] args) {
        int exit = new CommandLine(OffloadCli.class)
                .setExecutionExceptionHandler(OffloadCli::reportFailure)
                .execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        java.io.PrintWriter err = cmd.getErr();
        if (e instanceof ConfigException) {
            err.println(e.getMessage());
            return 2;
        }
        err.println("offload: " + e.getMessage());
        return 1;
    }

    /** Options shared by every role. */
    static class Common {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "offload.yaml to read (environment variables" + " OFFLOAD_* override it)")
        Path config;

        Settings settings(Map<String, String> overrides) {
            return Settings.load(config, System.getenv(), overrides);
        }
    }

    @Command(
            name = "standalone",
            mixinStandardHelpOptions = true,
            description = "Gateway, worker, an embedded Kafka broker and an embedded file-backed store in one JVM.")
    static final class Standalone extends Common implements Callable<Integer> {
        private static final OffloadNode.Roles STANDALONE_ROLES = new OffloadNode.Roles(true, true);

        @Option(names = "--port", defaultValue = "8080", description = "API port (default ${DEFAULT-VALUE})")
        int port;

        @Option(
                names = "--management-port",
                defaultValue = "9090",
                description = "health and metrics port (default ${DEFAULT-VALUE})")
        int managementPort;

        @Option(
                names = "--data-dir",
                defaultValue = "./data",
                description = "where the broker and the store keep their files (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(
                names = "--api-key",
                description = "API key for tenant 'default', at least 16 characters (default: generated and printed)")
        String apiKey;

        @Option(
                names = "--bind",
                defaultValue = "127.0.0.1",
                description = "address to bind the API and management ports (default ${DEFAULT-VALUE})")
        String bind;

        @Override
        public Integer call() throws Exception {
            String key = apiKey != null ? apiKey : generatedKey();
            System.out.println("Starting Offload standalone (data in "
                    + dataDir.toAbsolutePath().normalize() + ")");
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("store.type", "embedded");
            overrides.put("gateway.host", bind);
            overrides.put("gateway.port", Integer.toString(port));
            overrides.put("management.host", bind);
            overrides.put("management.port", Integer.toString(managementPort));
            overrides.put("gateway.apiKeys", key + "=default");
            // Check the configuration before the broker spends seconds starting; its address is filled in after.
            overrides.put("transport.kafka.bootstrapServers", "127.0.0.1:9092");
            NodeConfig.read(settings(overrides), STANDALONE_ROLES);
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
            overrides.put("transport.kafka.bootstrapServers", broker.bootstrapServers());
            OffloadNode node;
            try {
                node = OffloadNode.start(settings(overrides), STANDALONE_ROLES, dataDir);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            runUntilTerminated(() -> {
                node.close();
                broker.close();
            });
            printWelcome(node, key, broker.bootstrapServers());
            awaitTermination();
            return 0;
        }

        private void printWelcome(OffloadNode node, String key, String kafka) {
            String api = "http://" + bind + ":" + node.apiPort();
            System.out.println("""

                    Offload standalone is running
                      API          %s
                      management   http://%s:%d/health/ready  /metrics
                      Kafka        %s (embedded, KRaft)
                      API key      %s   (tenant 'default')

                    Try it:
                      curl -s -X POST %s/v1/jobs -H 'Authorization: Bearer %s' \\
                           -H 'Content-Type: application/json' -d '{"type":"demo.sleep","payload":{"ms":2000}}'
                      curl -s '%s/v1/jobs/<id>?wait=10' -H 'Authorization: Bearer %s'
                    Stop with Ctrl-C (running jobs finish first).
                    """.formatted(api, bind, node.managementPort(), kafka, key, api, key, api, key));
        }
    }

    @Command(
            name = "gateway",
            mixinStandardHelpOptions = true,
            description = "The HTTP API only, against the configured Kafka and Redis.")
    static final class GatewayRole extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            OffloadNode node = OffloadNode.start(settings(Map.of()), new OffloadNode.Roles(true, false), null);
            runUntilTerminated(node::close);
            System.out.println(
                    "Offload gateway listening on port " + node.apiPort() + ", management on " + node.managementPort());
            awaitTermination();
            return 0;
        }
    }

    @Command(
            name = "worker",
            mixinStandardHelpOptions = true,
            description = "A worker only: consumes jobs from the configured Kafka, results to Redis.")
    static final class WorkerRole extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            OffloadNode node = OffloadNode.start(settings(Map.of()), new OffloadNode.Roles(false, true), null);
            runUntilTerminated(node::close);
            System.out.println("Offload worker running, management on port " + node.managementPort());
            awaitTermination();
            return 0;
        }
    }

    @Command(
            name = "kafka",
            mixinStandardHelpOptions = true,
            description = "A single-node Kafka broker (KRaft) as its own process, for local distributed setups and"
                    + " benchmarks: the same broker standalone mode embeds. Not for production.")
    static final class KafkaCommand implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "9092", description = "listener port (default ${DEFAULT-VALUE})")
        int port;

        @Option(
                names = "--data-dir",
                defaultValue = "./data/kafka",
                description = "log directory (default ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port);
            runUntilTerminated(broker::close);
            System.out.println("Kafka broker listening on " + broker.bootstrapServers());
            awaitTermination();
            return 0;
        }
    }

    @Command(
            name = "config-reference",
            mixinStandardHelpOptions = true,
            description = "Prints the configuration reference (docs/configuration.md) generated from the keys.")
    static final class ConfigReferenceCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ConfigReference.markdown(ConfigCatalog.all()));
            return 0;
        }
    }

    private static final CountDownLatch TERMINATED = new CountDownLatch(1);

    /** SIGTERM / Ctrl-C: shut down cleanly, then let the main thread end. */
    private static void runUntilTerminated(Runnable shutdown) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Offload is shutting down: no new requests, running jobs finish first");
                            try {
                                shutdown.run();
                            } finally {
                                TERMINATED.countDown();
                            }
                        },
                        "offload-shutdown"));
    }

    private static void awaitTermination() {
        try {
            TERMINATED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String generatedKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "ofl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
