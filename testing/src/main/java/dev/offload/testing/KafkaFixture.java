package dev.offload.testing;

import dev.offload.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker of a test JVM, resolved once and shared by every test in it.
 *
 * <ul>
 *   <li>By default an {@link EmbeddedKafkaBroker} (a real Apache Kafka broker in this JVM), started on first use in a
 *       temporary directory and stopped by a shutdown hook.
 *   <li>If the environment variable {@value #BOOTSTRAP_ENV} is set, that external broker is used as is.
 *   <li>If the system property {@value #MODE_PROPERTY} is {@code testcontainers}, a Testcontainers Kafka container
 *       ({@value #IMAGE}) is started; this needs a Docker engine.
 * </ul>
 *
 * <p>Tests share one broker, so each test uses its own topics and consumer groups (e.g. a random topic prefix).
 *
 * <p>Thread-safe. {@link #bootstrapServers()} blocks the first time while the broker starts.
 */
public final class KafkaFixture {
    /** Environment variable naming an external broker, e.g. {@code 127.0.0.1:9092}. */
    public static final String BOOTSTRAP_ENV = "OFFLOAD_TEST_KAFKA_BOOTSTRAP";
    /** System property choosing the broker: {@code embedded} (default) or {@code testcontainers}. */
    public static final String MODE_PROPERTY = "offload.test.kafka";

    static final String IMAGE = "apache/kafka:4.1.0";

    private static String bootstrapServers;

    private KafkaFixture() {}

    /** The {@code bootstrap.servers} of the shared broker, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = resolve();
        }
        return bootstrapServers;
    }

    private static String resolve() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            return external.trim();
        }
        String mode = System.getProperty(MODE_PROPERTY, "embedded");
        return switch (mode) {
            case "embedded" -> startEmbedded();
            case "testcontainers" -> startContainer();
            default ->
                throw new IllegalStateException(
                        "-D" + MODE_PROPERTY + " must be embedded or testcontainers, but was '" + mode + "'");
        };
    }

    private static String startEmbedded() {
        Path dir = createTempDirectory();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            deleteRecursively(dir);
                        },
                        "offload-test-kafka-shutdown"));
        return broker.bootstrapServers();
    }

    private static String startContainer() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-D" + MODE_PROPERTY + "=testcontainers needs a running Docker engine, and"
                    + " none was found; start Docker, or drop the property to use the embedded broker, or set "
                    + BOOTSTRAP_ENV + " to an external broker");
        }
        @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it afterwards
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "offload-test-kafka-container-shutdown"));
        return container.getBootstrapServers();
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("offload-test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort at JVM exit: a leftover temporary directory is harmless.
        }
    }
}
