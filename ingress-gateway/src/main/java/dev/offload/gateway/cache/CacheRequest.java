package dev.offload.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A request the {@link ResponseCache} may answer. The cache only reads it (its headers on the caller's context).
 *
 * @param cacheName names the cache the entry belongs to: the route's name. It is part of the key (two routes never
 *     share entries) and the {@code cache} tag of the metrics, so it must come from configuration, not the request.
 * @param method the request method; only GET and HEAD are looked up, anything else passes through
 * @param target the path and query as sent to the upstream ({@code /items/42?lang=en}): the rest of the key
 * @param headers the request headers <em>as forwarded to the upstream</em> (after the gateway's own credentials were
 *     stripped): read for {@code Vary}, {@code Cache-Control}, {@code Authorization} and {@code If-None-Match}. Not
 *     modified.
 * @param defaultTtl how long a response without explicit freshness ({@code max-age}/{@code s-maxage}) stays fresh:
 *     the route's TTL; {@link Duration#ZERO} stores only responses that state their freshness
 */
public record CacheRequest(String cacheName, HttpMethod method, String target, MultiMap headers, Duration defaultTtl) {

    public CacheRequest {
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        if (defaultTtl.isNegative()) {
            throw new IllegalArgumentException("defaultTtl must not be negative, but was " + defaultTtl);
        }
    }

    boolean isHead() {
        return method.equals(HttpMethod.HEAD);
    }

    /** GET or HEAD without {@code Cache-Control: no-store}: the cache may answer it. */
    boolean mayUseCache() {
        return (method.equals(HttpMethod.GET) || isHead()) && !cacheControl().has("no-store");
    }

    /**
     * The client insists on a response the upstream confirmed ({@code Cache-Control: no-cache} or {@code max-age=0},
     * or {@code Pragma: no-cache}): a stored response is revalidated before use.
     */
    boolean requiresRevalidation() {
        CacheControl control = cacheControl();
        return control.has("no-cache")
                || control.seconds("max-age").orElse(1) == 0
                || headers.getAll("Pragma").stream()
                        .anyMatch(p -> p.toLowerCase(Locale.ROOT).contains("no-cache"));
    }

    CacheControl cacheControl() {
        return CacheControl.parse(headers.getAll("Cache-Control"));
    }

    /** The request's value of a header named by {@code Vary}: all its fields joined, so field order matters. */
    String varyValue(String name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? "" : String.join(", ", values).trim();
    }
}
