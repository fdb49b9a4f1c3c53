package dev.offload.store.redis;

import dev.offload.testing.RedisFixture;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Measures the two candidate rate-limit scripts against one Redis in one run (docs/performance.md, "Rate limiting"):
 * GCRA ({@code gcra.lua}, one number per bucket) and an exact sliding-window log ({@code sliding_log.lua}, a sorted
 * set of the admitted requests). Each scenario runs both scripts alternately, so both see the same machine state, and
 * prints calls/s and their ratio. Not a test: run it by hand.
 *
 * <pre>
 * ./mvnw -q -pl result-store -am install -DskipTests
 * ./mvnw -q -pl result-store dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp result-store/target/classes:result-store/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.offload.store.redis.RateLimitScriptBench [seconds-per-round]
 * </pre>
 */
public final class RateLimitScriptBench {
    private static final LuaScript SLIDING_LOG = LuaScript.load("sliding_log");
    private static final int CLIENTS = 16;
    private static final int BUCKETS = 100;

    private RateLimitScriptBench() {}

    public static void main(String[] args) throws Exception {
        Duration round = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(CLIENTS);
        String prefix = "offload-bench-rl-" + UUID.randomUUID().toString().substring(0, 8);
        try (UnifiedJedis redis = RedisClient.builder()
                .hostAndPort(HostAndPort.from(URI.create(RedisFixture.uri()).getAuthority()))
                .poolConfig(pool)
                .build()) {
            // limit 100/min: buckets saturate, most calls are refusals; limit 1,000,000/min: every call is admitted
            // and the sliding log grows (up to the calls of one minute per bucket).
            for (long limit : new long[] {100, 1_000_000}) {
                double gcra = 0;
                double log = 0;
                for (int i = 0; i < 3; i++) { // alternate, so drift of the machine hits both alike
                    gcra += rate(redis, prefix + ":gcra:" + limit, limit, round, false);
                    log += rate(redis, prefix + ":log:" + limit, limit, round, true);
                }
                System.out.printf(
                        Locale.ROOT,
                        "limit %,d/min, %d clients, %d buckets: GCRA %,.0f calls/s, sliding log %,.0f calls/s,"
                                + " ratio %.2f%n",
                        limit,
                        CLIENTS,
                        BUCKETS,
                        gcra / 3,
                        log / 3,
                        gcra / log);
                System.out.printf(
                        Locale.ROOT,
                        "  memory of one bucket: GCRA %s bytes, sliding log %s bytes (0: expired, the quota is full)%n",
                        bytes(redis, prefix + ":gcra:" + limit + ":0"),
                        bytes(redis, prefix + ":log:" + limit + ":0"));
            }
            for (String key : redis.keys(prefix + "*")) {
                redis.del(key);
            }
        }
    }

    private static long bytes(UnifiedJedis redis, String key) {
        Long bytes = redis.memoryUsage(key);
        return bytes == null ? 0 : bytes;
    }

    private static double rate(UnifiedJedis redis, String prefix, long limit, Duration round, boolean log)
            throws Exception {
        AtomicLong calls = new AtomicLong();
        long end = System.nanoTime() + round.toNanos();
        List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(threads.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        String bucket = prefix + ":" + ((client * 7919L + n) % BUCKETS);
                        List<String> args = log
                                ? List.of(Long.toString(limit), "60000", client + "-" + n)
                                : List.of(Long.toString(limit), "60000");
                        (log ? SLIDING_LOG : RedisRateLimitStore.GCRA).run(redis, List.of(bucket), args);
                        n++;
                    }
                    calls.addAndGet(n);
                }));
            }
        }
        for (var client : clients) {
            client.get();
        }
        return calls.get() / (double) round.toSeconds();
    }
}
