package dev.offload.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis that integration tests use, resolved once per JVM: the URI in {@code OFFLOAD_TEST_REDIS_URI} if set;
 * else a Redis on 127.0.0.1:6379 if it answers PING; else a {@code redis:7} container if Docker is available; else
 * the test fails with instructions. Thread-safe.
 */
public final class RedisFixture {
    public static final String ENV = "OFFLOAD_TEST_REDIS_URI";
    private static final String LOCAL = "redis://127.0.0.1:6379";

    private static String resolved;
    private static GenericContainer<?> container; // kept for the JVM's lifetime; Testcontainers removes it at exit

    private RedisFixture() {}

    /** A {@code redis://host:port} URI of a Redis that answers. */
    public static synchronized String uri() {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    /**
     * Deletes every key that starts with {@code prefix}: tests share one Redis and each writes under a prefix of its
     * own, which it removes when done so that runs do not pile up job records (their retention is days).
     */
    public static void deleteKeys(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("refusing to delete keys without a prefix");
        }
        try (RedisClient redis = RedisClient.create(URI.create(uri()))) {
            ScanParams match = new ScanParams().match(prefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    redis.unlink(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    private static String resolve() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (answersPing("127.0.0.1", 6379)) {
            return LOCAL;
        }
        if (dockerAvailable()) {
            return startContainer();
        }
        throw new IllegalStateException("No Redis for the integration tests: nothing answers PING on 127.0.0.1:6379"
                + " and Docker is not available for Testcontainers. Start one with"
                + " `redis-server --daemonize yes --port 6379 --save \"\" --appendonly no`, or point " + ENV
                + " at one, e.g. " + ENV + "=redis://host:6379");
    }

    private static String startContainer() {
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379);
        redis.start();
        container = redis;
        return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static boolean answersPing(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
