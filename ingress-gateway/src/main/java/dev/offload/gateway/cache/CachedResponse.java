package dev.offload.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.Objects;

/**
 * What the proxy sends to the client: {@code status}, {@code headers} (already carrying {@code X-Cache} and, for
 * stored responses, {@code Age} and {@code Content-Length}), then {@code body}, then, if {@code rest} is not
 * {@code null}, everything {@code rest} still delivers (pipe it: it is paused and its handlers are unset).
 *
 * <p>{@code rest} is set only for responses passed through uncached: then {@code headers} are the upstream's own
 * (hop-by-hop fields included: the proxy applies its header rules as for any proxied response) and {@code body} is
 * the part the cache read before it found the body too large (often empty).
 *
 * <p>Completed on the caller's context and meant to be written from it; not thread-safe ({@code rest} is a stream).
 *
 * @param cacheStatus the {@code X-Cache} value
 */
public record CachedResponse(
        int status, MultiMap headers, Buffer body, ReadStream<Buffer> rest, CacheStatus cacheStatus) {
    public CachedResponse {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(cacheStatus, "cacheStatus");
    }

    /** Whether the body continues in {@link #rest()} (a pass-through response). */
    public boolean streamed() {
        return rest != null;
    }
}
