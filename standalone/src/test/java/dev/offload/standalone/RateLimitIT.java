package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.JobStores;
import dev.offload.store.RateLimitStore;
import dev.offload.store.RedisStoreConfig;
import dev.offload.testing.RedisFixture;
import dev.offload.testing.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Rate limits against real gateways sharing a real Redis: one limit enforced exactly across two gateways, the IETF
 * draft's RateLimit fields, 429 quota-exceeded with Retry-After, per-IP limits with and without trusted proxies, and
 * the per-tenant cap on unfinished jobs. Every response is validated against openapi.yaml by {@link ApiClient}.
 */
class RateLimitIT {
    private static final Pattern REMAINING = Pattern.compile("^\"per-key\";r=(\\d+);t=(\\d+)$");

    private static TestCluster clusterWith(Map<String, String> limits) {
        return new TestCluster(values -> {
            values.putAll(limits);
            return values;
        });
    }

    @Test
    void twoGatewaysEnforceOneSharedLimitExactly() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestCluster cluster = clusterWith(Map.of(
                "rateLimits", "per-key.limit=10,per-key.window=60s,per-key.by=apiKey",
                "limits.jobApi", "per-key"))) {
            List<ApiClient> gateways = List.of(cluster.startGateway(p -> p, meters), cluster.startGateway());

            List<ApiClient.Response> responses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                responses.add(gateways.get(i % 2).get("/v1/jobs"));
            }

            assertThat(responses.subList(0, 10))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(responses.subList(10, 16))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(429));
            List<Integer> remaining = new ArrayList<>();
            for (ApiClient.Response response : responses.subList(0, 10)) {
                assertThat(response.header("RateLimit-Policy")).contains("\"per-key\";q=10;w=60");
                Matcher limit = REMAINING.matcher(response.header("RateLimit").orElseThrow());
                assertThat(limit.matches())
                        .as(response.header("RateLimit").orElseThrow())
                        .isTrue();
                assertThat(Integer.parseInt(limit.group(2))).isBetween(1, 60);
                remaining.add(Integer.parseInt(limit.group(1)));
            }
            assertThat(remaining).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
            ApiClient.Response refused = responses.get(10);
            assertThat(refused.json().path("type").asText()).isEqualTo("https://offload.dev/problems/quota-exceeded");
            assertThat(refused.json().path("policy").asText()).isEqualTo("per-key");
            // One request comes back every 60 s / 10 = 6 s.
            assertThat(Integer.parseInt(refused.header("Retry-After").orElseThrow()))
                    .isBetween(1, 6);
            assertThat(refused.header("RateLimit").orElseThrow()).matches("\"per-key\";r=0;t=\\d+");
            // Another API key has a quota of its own.
            assertThat(gateways.get(0)
                            .withKey(TestCluster.KEY_B)
                            .get("/v1/jobs")
                            .status())
                    .isEqualTo(200);
            assertThat(meters.get("offload.ratelimit.checks")
                            .tag("policy", "per-key")
                            .tag("outcome", "limited")
                            .counter()
                            .count())
                    .isEqualTo(3);
        }
    }

    @Test
    void perIpLimitBelievesForwardedForOnlyFromTrustedProxies() throws Exception {
        try (TestCluster cluster = clusterWith(Map.of(
                "rateLimits", "per-ip.limit=2,per-ip.window=60s,per-ip.by=ip",
                "limits.jobApi", "per-ip",
                "limits.trustedProxies", "127.0.0.1/32,::1/128"))) {
            ApiClient api = cluster.startGateway();

            int first = api.get("/v1/jobs", "X-Forwarded-For", "203.0.113.7").status();
            int second = api.get("/v1/jobs", "X-Forwarded-For", "203.0.113.7").status();
            // A client cannot escape by sending its own X-Forwarded-For: the trusted proxy's entry comes last.
            int spoofed = api.get("/v1/jobs", "X-Forwarded-For", "198.51.100.1, 203.0.113.7")
                    .status();
            int otherClient =
                    api.get("/v1/jobs", "X-Forwarded-For", "203.0.113.8").status();

            assertThat(List.of(first, second, spoofed, otherClient)).containsExactly(200, 200, 429, 200);
        }
    }

    @Test
    void forwardedForOfAnUntrustedPeerIsIgnored() throws Exception {
        try (TestCluster cluster = clusterWith(
                Map.of("rateLimits", "per-ip.limit=2,per-ip.window=60s,per-ip.by=ip", "limits.jobApi", "per-ip"))) {
            ApiClient api = cluster.startGateway();

            List<Integer> statuses = new ArrayList<>();
            for (String client : List.of("203.0.113.1", "203.0.113.2", "203.0.113.3")) {
                statuses.add(api.get("/v1/jobs", "X-Forwarded-For", client).status());
            }

            assertThat(statuses).containsExactly(200, 200, 429); // all three are the peer 127.0.0.1
        }
    }

    @Test
    void unreachableLimitStoreFailsOpenByDefaultAndSaysSoInMetrics() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestCluster cluster = clusterWith(
                        Map.of("rateLimits", "per-key.limit=1,per-key.window=60s", "limits.jobApi", "per-key"));
                TcpProxy redis = redisProxy()) {
            ApiClient api = cluster.startGateway(p -> p, meters, limitsThrough(cluster, redis));
            redis.cut();

            ApiClient.Response first = api.get("/v1/jobs");
            ApiClient.Response second = api.get("/v1/jobs");

            assertThat(List.of(first.status(), second.status())).containsExactly(200, 200);
            assertThat(first.header("RateLimit-Policy")).contains("\"per-key\";q=1;w=60");
            assertThat(first.header("RateLimit")).isEmpty(); // nothing is known of the caller's quota
            assertThat(meters.get("offload.ratelimit.checks")
                            .tag("outcome", "store-failed")
                            .counter()
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void unreachableLimitStoreFailsClosedWhenConfigured() throws Exception {
        try (TestCluster cluster = clusterWith(Map.of(
                        "rateLimits", "per-key.limit=100,per-key.window=60s",
                        "limits.jobApi", "per-key",
                        "limits.onStoreFailure", "closed"));
                TcpProxy redis = redisProxy()) {
            ApiClient api = cluster.startGateway(p -> p, new SimpleMeterRegistry(), limitsThrough(cluster, redis));
            assertThat(api.get("/v1/jobs").status()).isEqualTo(200);
            redis.cut();

            ApiClient.Response refused = api.get("/v1/jobs");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(refused.json().path("detail").asText()).contains("limits.onStoreFailure");
        }
    }

    private static TcpProxy redisProxy() throws Exception {
        URI redis = URI.create(RedisFixture.uri());
        return TcpProxy.to(redis.getHost(), redis.getPort());
    }

    /** Rate-limit buckets reached through {@code proxy}, while the job store talks to Redis directly. */
    private static RateLimitStore limitsThrough(TestCluster cluster, TcpProxy proxy) {
        RedisStoreConfig direct = RedisStoreConfig.from(cluster.settings());
        return JobStores.redisRateLimits(new RedisStoreConfig(
                URI.create("redis://127.0.0.1:" + proxy.port()),
                direct.poolSize(),
                Duration.ofMillis(500),
                direct.keyPrefix()));
    }

    @Test
    void tenantAtItsCapOfUnfinishedJobsGets429UntilOneFinishes() throws Exception {
        try (TestCluster cluster = clusterWith(Map.of("limits.maxUnfinishedJobs", "2"))) {
            ApiClient api = cluster.startGateway();
            String job = "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":10},\"queue\":\"parked\"}";
            ApiClient.Response first = api.submit(job, "Idempotency-Key", "\"cap-1\"");
            ApiClient.Response second = api.submit(job);

            ApiClient.Response third = api.submit(job);
            ApiClient.Response repeatOfFirst = api.submit(job, "Idempotency-Key", "\"cap-1\"");
            ApiClient.Response newWithKey = api.submit(job, "Idempotency-Key", "\"cap-3\"");
            ApiClient.Response otherTenant = api.withKey(TestCluster.KEY_B).submit(job);

            assertThat(List.of(first.status(), second.status())).containsExactly(202, 202);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.json().path("type").asText()).isEqualTo("https://offload.dev/problems/quota-exceeded");
            assertThat(third.json().path("maxUnfinishedJobs").asInt()).isEqualTo(2);
            assertThat(third.header("Retry-After")).isPresent();
            assertThat(repeatOfFirst.status()).isEqualTo(202);
            assertThat(repeatOfFirst.id()).isEqualTo(first.id());
            assertThat(newWithKey.status()).isEqualTo(429);
            assertThat(otherTenant.status()).isEqualTo(202);
            assertThat(cluster.store().unfinished("tenant-a")).isEqualTo(2);

            assertThat(api.delete("/v1/jobs/" + second.id()).status()).isEqualTo(200);

            assertThat(api.submit(job).status()).isEqualTo(202);
            assertThat(api.submit(job, "Idempotency-Key", "\"cap-3\"").status())
                    .isEqualTo(429); // the refused key was released: it is a new job, and the cap is full again
        }
    }
}
