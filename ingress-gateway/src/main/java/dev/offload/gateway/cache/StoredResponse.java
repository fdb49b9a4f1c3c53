package dev.offload.gateway.cache;

import dev.offload.gateway.http.EntityTags;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stored response: status, end-to-end headers and the whole body, with what its freshness is computed from
 * (RFC 9111 §4.2: {@code age = initialAge + (now - storedAt)}, fresh while {@code age < lifetime}) and the request
 * header values it was selected by ({@code Vary}). Immutable.
 *
 * @param storedAt when it was stored or last revalidated
 * @param lifetime its freshness lifetime ({@code s-maxage}, {@code max-age} or the route's TTL; 0 for
 *     {@code no-cache}: always revalidated)
 * @param initialAge its age when it was received (the upstream's {@code Age})
 * @param headers the end-to-end headers, without {@code Age}, {@code Content-Length} and hop-by-hop fields
 * @param vary the request header values (by lower-case name) it was selected by
 */
record StoredResponse(
        Instant storedAt,
        Duration lifetime,
        Duration initialAge,
        int status,
        List<Map.Entry<String, String>> headers,
        Map<String, String> vary,
        byte[] body)
        implements Stored {

    /** Fields never stored: per connection (RFC 9110 §7.6.1), recomputed on the way out, or per client. */
    private static final Set<String> NOT_STORED = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "age",
            "content-length",
            "set-cookie",
            "x-cache");

    StoredResponse {
        headers = List.copyOf(headers);
        vary = Map.copyOf(vary);
    }

    /** A response received now, to be stored with {@code lifetime}. */
    static StoredResponse received(
            CacheRequest request, int status, MultiMap headers, byte[] body, Duration lifetime, Instant now) {
        return new StoredResponse(
                now, lifetime, ageOf(headers), status, endToEnd(headers), selectedBy(request, headers), body);
    }

    Duration age(Instant now) {
        Duration resident = Duration.between(storedAt, now);
        return initialAge.plus(resident.isNegative() ? Duration.ZERO : resident);
    }

    boolean isFresh(Instant now) {
        return age(now).compareTo(lifetime) < 0;
    }

    String header(String name) {
        return headers.stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    MultiMap headerMap() {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(h -> map.add(h.getKey(), h.getValue()));
        return map;
    }

    boolean hasValidator() {
        return header("ETag") != null || header("Last-Modified") != null;
    }

    Revalidation revalidation() {
        return hasValidator() ? Revalidation.of(header("ETag"), header("Last-Modified")) : Revalidation.full();
    }

    /** Whether this response may answer {@code request}: the headers it varies on have the same values. */
    boolean selectedFor(CacheRequest request) {
        return vary.entrySet().stream()
                .allMatch(v -> request.varyValue(v.getKey()).equals(v.getValue()));
    }

    /**
     * This response updated by a 304 received now (RFC 9111 §4.3.4): the 304's end-to-end headers replace the stored
     * ones of the same name, and freshness restarts with {@code lifetime}.
     */
    StoredResponse refreshedBy(MultiMap notModified, Duration lifetime, Instant now) {
        List<Map.Entry<String, String>> fresh = endToEnd(notModified);
        Set<String> replaced = new HashSet<>();
        fresh.forEach(h -> replaced.add(h.getKey().toLowerCase(Locale.ROOT)));
        List<Map.Entry<String, String>> merged = new ArrayList<>();
        headers.stream()
                .filter(h -> !replaced.contains(h.getKey().toLowerCase(Locale.ROOT)))
                .forEach(merged::add);
        merged.addAll(fresh);
        return new StoredResponse(now, lifetime, ageOf(notModified), status, merged, vary, body);
    }

    /**
     * The response to send: the stored one with {@code X-Cache}, {@code Age} and {@code Content-Length}; a 304
     * without body when the client's {@code If-None-Match} names the stored ETag; no body for HEAD.
     */
    CachedResponse toResponse(CacheStatus cacheStatus, CacheRequest request, Instant now) {
        MultiMap out = headerMap();
        out.set("X-Cache", cacheStatus.name());
        long age = age(now).toSeconds();
        if (cacheStatus != CacheStatus.MISS || age > 0) {
            out.set("Age", Long.toString(age));
        }
        if (EntityTags.matches(request.headers().get("If-None-Match"), header("ETag"))) {
            return new CachedResponse(304, out, Buffer.buffer(), null, cacheStatus);
        }
        out.set("Content-Length", Integer.toString(body.length));
        Buffer content = request.isHead() ? Buffer.buffer() : Buffer.buffer(body);
        return new CachedResponse(status, out, content, null, cacheStatus);
    }

    /** The {@code Vary} field names of a response, lower-case and sorted; {@code *} if it varies on anything. */
    static List<String> varyNames(MultiMap headers) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        for (String field : headers.getAll("Vary")) {
            for (String name : field.split(",")) {
                if (!name.isBlank()) {
                    names.put(name.trim().toLowerCase(Locale.ROOT), true);
                }
            }
        }
        return List.copyOf(names.keySet());
    }

    private static Map<String, String> selectedBy(CacheRequest request, MultiMap headers) {
        Map<String, String> values = new TreeMap<>();
        varyNames(headers).forEach(name -> values.put(name, request.varyValue(name)));
        return values;
    }

    private static List<Map.Entry<String, String>> endToEnd(MultiMap headers) {
        Set<String> perConnection = new HashSet<>(NOT_STORED);
        headers.getAll("Connection").forEach(field -> {
            for (String name : field.split(",")) {
                perConnection.add(name.trim().toLowerCase(Locale.ROOT));
            }
        });
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        headers.forEach(h -> {
            if (!perConnection.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                kept.add(Map.entry(h.getKey(), h.getValue()));
            }
        });
        return kept;
    }

    private static Duration ageOf(MultiMap headers) {
        String age = headers.get("Age");
        try {
            return age == null ? Duration.ZERO : Duration.ofSeconds(Math.max(0, Long.parseLong(age.trim())));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }
}
