package dev.offload.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM, started from
 * Kafka's own jars. It keeps its log and cluster id in a data directory, so a broker started again on the same
 * directory sees the topics, records and committed offsets of the previous run.
 *
 * <p>Every internal topic has replication factor 1 and min ISR 1 (there is one node), and group heartbeats are short
 * so that a consumer gets its first assignment in about a second: this broker is meant for the zero-setup standalone
 * mode and for tests, not for production data.
 *
 * <p>{@link #start} and {@link #close} block (several seconds at most); call them off event loops. The accessors are
 * thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final String CLUSTER_ID_FILE = "offload-cluster.id";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
     * Formats {@code dataDir} if it is new, then starts the broker and returns once it serves clients. Blocking.
     *
     * @param dataDir where the log and the cluster id live; created if missing
     * @param port the client port on 127.0.0.1, or 0 to pick a free one
     * @throws IllegalStateException if the broker cannot be formatted or started
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, but was " + port);
        }
        long begin = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        createDirectories(dir);
        int clientPort = port == 0 ? freePort() : port;
        // A fresh controller port on every start is fine: the single voter elects itself without dialling anyone,
        // and a persisted port could be taken by the time of a restart.
        int controllerPort = freePort();
        Properties props = brokerProperties(dir, clientPort, controllerPort);
        format(dir, props, clusterId(dir));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw new IllegalStateException("embedded Kafka broker in " + dir + " did not start", e);
        }
        String bootstrap = HOST + ":" + clientPort;
        LOG.info(
                "embedded Kafka broker at {} started in {} ms (data in {})",
                bootstrap,
                (System.nanoTime() - begin) / 1_000_000,
                dir);
        return new EmbeddedKafkaBroker(server, bootstrap, dir);
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's log. */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down cleanly and waits for it; idempotent. Blocking. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("embedded Kafka broker at {} stopped", bootstrapServers);
    }

    static Properties brokerProperties(Path dir, int clientPort, int controllerPort) {
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort),
                Map.entry(
                        "listeners",
                        "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("log").toString()),
                // One node: every internal topic must fit on it.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Short heartbeats: a consumer gets its first assignment in about a second instead of about five.
                Map.entry("group.consumer.heartbeat.interval.ms", "500"),
                Map.entry("group.consumer.min.heartbeat.interval.ms", "500"),
                // The cleaner's default 128 MiB buffer is sized for big compacted topics, not for this broker.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024)),
                Map.entry("log.cleaner.threads", "1")));
        return props;
    }

    /** {@code kafka-storage format --standalone --ignore-formatted}: a no-op on a directory formatted before. */
    private static void format(Path dir, Properties props, String clusterId) {
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "written by Offload's embedded Kafka broker; regenerated on every start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] args = {"format", "--standalone", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"};
        int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(args, print);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot format the Kafka log in " + dir + ": " + e.getMessage(), e);
        }
        if (status != 0) {
            throw new IllegalStateException("cannot format the Kafka log in " + dir + " (status " + status + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
        LOG.debug(
                "kafka-storage format: {}",
                output.toString(StandardCharsets.UTF_8).trim());
    }

    /** The cluster id of this directory, created on first use: the log belongs to this id forever. */
    private static String clusterId(Path dir) {
        return readOrCreate(
                dir.resolve(CLUSTER_ID_FILE), () -> Uuid.randomUuid().toString());
    }

    private static String readOrCreate(Path file, Supplier<String> initial) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String value = initial.get();
            Files.writeString(file, value, StandardCharsets.UTF_8);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }
}
