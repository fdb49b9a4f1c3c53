package dev.offload.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.Objects;

/**
 * The upstream's answer, as the proxy received it: status and headers, and the body <em>not yet read</em>. The cache
 * reads the body only if it will store it (up to {@code gateway.cache.maxBodySize}); otherwise it hands the stream
 * back in the {@link CachedResponse} for the proxy to pipe to the client. Give it the response as soon as its head
 * arrived, on the same event-loop tick (e.g. an {@code HttpClientResponse}, which is a {@code ReadStream<Buffer>}), so
 * that no body chunk is missed. Belongs to the request's context; not thread-safe.
 */
public record UpstreamResponse(int status, MultiMap headers, ReadStream<Buffer> body) {
    public UpstreamResponse {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }
}
