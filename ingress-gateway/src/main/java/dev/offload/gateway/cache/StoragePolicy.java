package dev.offload.gateway.cache;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Whether a shared cache may store a response, and for how long it is fresh (RFC 9111 §3 and §4.2.1). Stateless.
 *
 * <p>Not stored: {@code no-store}; {@code private} (this is a shared cache); {@code Vary: *}; {@code Set-Cookie}
 * (a per-client answer, as most shared caches treat it); a request with {@code Authorization} unless the response
 * says {@code public}, {@code s-maxage} or {@code must-revalidate} (§3.5); statuses that are not cacheable by
 * default; and responses with neither a freshness lifetime (explicit or the route's TTL) nor a validator.
 */
final class StoragePolicy {
    /** Statuses cacheable by default (RFC 9110 §15.1), without 206 (ranges are not stored). */
    private static final Set<Integer> CACHEABLE_STATUSES =
            Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    private StoragePolicy() {}

    /** The response's freshness lifetime if it may be stored, else empty. */
    static Optional<Duration> lifetime(CacheRequest request, int status, MultiMap headers) {
        CacheControl control = CacheControl.parse(headers.getAll("Cache-Control"));
        boolean storable = request.mayUseCache()
                && CACHEABLE_STATUSES.contains(status)
                && !control.has("no-store")
                && !control.has("private")
                && !StoredResponse.varyNames(headers).contains("*")
                && !headers.contains("Set-Cookie")
                && (!request.headers().contains("Authorization")
                        || control.has("public")
                        || control.has("s-maxage")
                        || control.has("must-revalidate"));
        if (!storable) {
            return Optional.empty();
        }
        if (control.has("no-cache")) {
            return Optional.of(Duration.ZERO); // store, but revalidate before every use
        }
        OptionalLong explicit = control.seconds("s-maxage");
        if (explicit.isEmpty()) {
            explicit = control.seconds("max-age");
        }
        return Optional.of(explicit.isPresent() ? Duration.ofSeconds(explicit.getAsLong()) : request.defaultTtl());
    }

    /**
     * How long the store keeps the entry: while it is fresh, and then {@code staleRetention} longer if it has a
     * validator to revalidate it with. Zero or less: not worth storing.
     */
    static Duration retention(StoredResponse response, Duration staleRetention) {
        Duration fresh = response.lifetime().minus(response.initialAge());
        Duration retention = (fresh.isNegative() ? Duration.ZERO : fresh)
                .plus(response.hasValidator() ? staleRetention : Duration.ZERO);
        return retention;
    }
}
