package dev.offload.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.config.ConfigException;
import dev.offload.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final Set<String> QUEUES = Set.of("default");

    private static Routes read(Map<String, String> values) {
        Settings settings = Settings.of(values);
        Routes routes = Routes.from(settings, QUEUES, Set.of());
        settings.validate(Routes.keys());
        return routes;
    }

    private static Map<String, String> route(String name, String path, String upstreams) {
        Map<String, String> values = new HashMap<>();
        values.put("routes." + name + ".path", path);
        values.put("routes." + name + ".upstreams", upstreams);
        return values;
    }

    @Test
    void validRouteIsReadWithItsDefaults() {
        Routes routes = read(route("reports", "/api/reports/**", "http://reports:8080,https://reports-2"));

        RouteConfig route = routes.all().get(0);
        assertThat(route.mode()).isEqualTo(RouteMode.SYNC);
        assertThat(route.upstreams()).hasSize(2);
        assertThat(route.auth()).isTrue();
        assertThat(route.retryOn()).containsExactly("5xx", "timeout", "connect");
    }

    @Test
    void invalidRouteConfigurationNamesEveryOffendingKey() {
        Map<String, String> values = route("bad", "api/no-slash", "ftp://somewhere");
        values.put("routes.bad.mode", "later");
        values.put("routes.bad.retryOn", "5xx,sometimes");
        values.put("routes.bad.timeout", "forever");
        values.put("routes.bad.methods", "GET,FETCH");
        values.put("routes.bad.queue", "nowhere");
        values.put("routes.bad.typo", "x");

        assertThatThrownBy(() -> read(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).violations())
                        .anyMatch(v -> v.startsWith("routes.bad.path") && v.contains("must start with '/'"))
                        .anyMatch(v -> v.startsWith("routes.bad.upstreams") && v.contains("ftp://somewhere"))
                        .anyMatch(v -> v.startsWith("routes.bad.mode"))
                        .anyMatch(v -> v.startsWith("routes.bad.retryOn") && v.contains("sometimes"))
                        .anyMatch(v -> v.startsWith("routes.bad.timeout"))
                        .anyMatch(v -> v.startsWith("routes.bad.methods") && v.contains("FETCH"))
                        .anyMatch(v -> v.startsWith("routes.bad.queue") && v.contains("nowhere"))
                        .anyMatch(v -> v.startsWith("routes.bad.typo") && v.contains("unknown")));
    }

    @Test
    void missingPathOrUpstreamsIsReportedByKey() {
        Map<String, String> values = new HashMap<>();
        values.put("routes.empty.mode", "sync");

        assertThatThrownBy(() -> read(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes.empty.path is required")
                .hasMessageContaining("routes.empty.upstreams is required");
    }

    @Test
    void asyncRouteWithoutAuthAndRoutesUnderV1AreRefused() {
        Map<String, String> values = route("open", "/jobs/**", "http://u");
        values.put("routes.open.mode", "async");
        values.put("routes.open.auth", "false");
        values.putAll(route("shadow", "/v1/jobs/**", "http://u"));

        assertThatThrownBy(() -> read(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes.open.auth: an async route needs auth")
                .hasMessageContaining("routes.shadow.path: '/v1/jobs/**' is under /v1/");
    }

    @Test
    void mostSpecificRouteWinsAndMethodsSplitOnePath() {
        Map<String, String> values = route("catchAll", "/api/**", "http://a");
        values.putAll(route("user", "/api/users/{id}", "http://b"));
        values.putAll(route("userWrite", "/api/users/{id}", "http://c"));
        values.put("routes.user.methods", "GET");
        values.put("routes.userWrite.methods", "PUT");
        values.put("routes.userWrite.mode", "async");
        Routes routes = read(values);

        assertThat(routes.match("GET", "/api/users/7").route().name()).isEqualTo("user");
        assertThat(routes.match("GET", "/api/users/7").params()).containsEntry("id", "7");
        assertThat(routes.match("PUT", "/api/users/7").route().name()).isEqualTo("userWrite");
        assertThat(routes.match("DELETE", "/api/users/7").route().name()).isEqualTo("catchAll");
        assertThat(routes.match("GET", "/api").route().name()).isEqualTo("catchAll");
        assertThat(routes.match("GET", "/other").pathMatched()).isFalse();
    }

    @Test
    void rateLimitAndCacheAreReadWhenValid() {
        Map<String, String> values = route("reports", "/api/reports/**", "http://reports:8080");
        values.put("routes.reports.rateLimit", "per-ip,per-key");
        values.put("routes.reports.cache.enabled", "true");
        values.put("routes.reports.cache.ttl", "30s");
        Settings settings = Settings.of(values);

        RouteConfig route =
                Routes.from(settings, QUEUES, Set.of("per-ip", "per-key")).all().get(0);
        settings.validate(Routes.keys());

        assertThat(route.rateLimit()).containsExactly("per-ip", "per-key");
        assertThat(route.cache()).isEqualTo(new RouteConfig.Cache(true, java.time.Duration.ofSeconds(30)));
        assertThat(read(route("plain", "/plain", "http://plain")).all().get(0).cache())
                .isEqualTo(RouteConfig.Cache.OFF);
    }

    @Test
    void undeclaredRateLimitPolicyAndMisusedCacheKeysAreNamed() {
        Map<String, String> values = route("reports", "/api/reports/**", "http://reports:8080");
        values.put("routes.reports.rateLimit", "nope");
        values.put("routes.reports.cache.ttl", "30s");
        values.putAll(route("jobs", "/api/jobs/**", "http://jobs:8080"));
        values.put("routes.jobs.mode", "async");
        values.put("routes.jobs.methods", "POST,PUT");
        values.put("routes.jobs.cache.enabled", "true");

        assertThatThrownBy(() -> read(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).violations())
                        .anyMatch(v -> v.startsWith("routes.reports.rateLimit") && v.contains("'nope'"))
                        .anyMatch(v ->
                                v.startsWith("routes.reports.cache.ttl") && v.contains("routes.reports.cache.enabled"))
                        .anyMatch(v -> v.startsWith("routes.jobs.cache.enabled") && v.contains("routes.jobs.methods")));
    }

    @Test
    void asyncRouteMayBeCachedWithItsTtlAsTheResultsMaxAge() {
        Map<String, String> values = route("reports", "/api/reports/**", "http://reports:8080");
        values.put("routes.reports.mode", "async");
        values.put("routes.reports.methods", "GET,POST");
        values.put("routes.reports.cache.enabled", "true");
        values.put("routes.reports.cache.ttl", "10m");

        RouteConfig route = read(values).all().get(0);

        assertThat(route.mode()).isEqualTo(RouteMode.ASYNC);
        assertThat(route.cache()).isEqualTo(new RouteConfig.Cache(true, java.time.Duration.ofMinutes(10)));
    }
}
