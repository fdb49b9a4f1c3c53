package dev.offload.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The RabbitMQ that integration tests use, resolved once per JVM: the URI in {@code OFFLOAD_TEST_RABBITMQ_URI} if
 * set; else {@code amqp://guest:guest@127.0.0.1:5672} if that port accepts connections; else a
 * {@code rabbitmq:4-management} container if Docker is available; else the test fails with instructions.
 * Thread-safe.
 */
public final class RabbitMqFixture {
    public static final String ENV = "OFFLOAD_TEST_RABBITMQ_URI";
    private static final String LOCAL = "amqp://guest:guest@127.0.0.1:5672";
    private static final Path RABBITMQCTL = Path.of("/usr/sbin/rabbitmqctl");

    private static String resolved;
    private static GenericContainer<?> container; // kept for the JVM's lifetime; Testcontainers removes it at exit

    private RabbitMqFixture() {}

    /** An {@code amqp://user:password@host:port} URI of a RabbitMQ that accepts connections. */
    public static synchronized String uri() {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private static String resolve() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (accepts("127.0.0.1", 5672)) {
            return LOCAL;
        }
        if (RedisFixture.dockerAvailable()) {
            return startContainer();
        }
        throw new IllegalStateException("No RabbitMQ for the integration tests: nothing listens on 127.0.0.1:5672"
                + " and Docker is not available for Testcontainers. Start one with `rabbitmq-server -detached`"
                + " (user guest/guest), or point " + ENV + " at one, e.g. " + ENV
                + "=amqp://guest:guest@host:5672");
    }

    private static String startContainer() {
        GenericContainer<?> rabbit = new GenericContainer<>(DockerImageName.parse("rabbitmq:4-management"))
                .withExposedPorts(5672, 15672)
                .waitingFor(Wait.forLogMessage(".*Server startup complete.*", 1));
        rabbit.start();
        container = rabbit;
        return "amqp://guest:guest@" + rabbit.getHost() + ":" + rabbit.getMappedPort(5672);
    }

    /** Whether the tests' broker is the one on this machine (so that {@link #rabbitmqctl} manages it). */
    public static boolean isLocal() {
        return uri().contains("@127.0.0.1:");
    }

    /**
     * Runs {@code /usr/sbin/rabbitmqctl} with {@code arguments} against the local broker and returns its exit status
     * (-1 if it did not end within a minute).
     *
     * @throws IllegalStateException if rabbitmqctl is not installed, saying how to install it
     */
    public static int rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        if (!Files.isExecutable(RABBITMQCTL)) {
            throw new IllegalStateException(
                    RABBITMQCTL + " is missing: install RabbitMQ's tools (apt-get install rabbitmq-server)");
        }
        List<String> command = new ArrayList<>();
        command.add(RABBITMQCTL.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
