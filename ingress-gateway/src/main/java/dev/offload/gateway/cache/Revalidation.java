package dev.offload.gateway.cache;

import io.vertx.core.MultiMap;

/**
 * How the proxy must shape the upstream request the cache asks for: call {@link #applyTo} on the headers it forwards.
 *
 * <ul>
 *   <li>{@link #passThrough()}: the request is not the cache's business; forward the client's headers unchanged.
 *   <li>{@link #full()}: the cache wants a complete response to store, so the client's own conditional headers are
 *       removed (the cache answers them itself from what it stores).
 *   <li>a conditional request: the cache holds a stale response and asks whether it is still current, with its
 *       {@code If-None-Match} / {@code If-Modified-Since}; a 304 refreshes the stored response.
 * </ul>
 *
 * <p>Immutable.
 *
 * @param replacesConditionals whether the client's conditional headers are replaced
 * @param ifNoneMatch the stored ETag to send, or {@code null}
 * @param ifModifiedSince the stored Last-Modified to send, or {@code null}
 */
public record Revalidation(boolean replacesConditionals, String ifNoneMatch, String ifModifiedSince) {
    private static final Revalidation PASS_THROUGH = new Revalidation(false, null, null);
    private static final Revalidation FULL = new Revalidation(true, null, null);
    private static final String[] CONDITIONALS = {
        "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"
    };

    public static Revalidation passThrough() {
        return PASS_THROUGH;
    }

    public static Revalidation full() {
        return FULL;
    }

    static Revalidation of(String etag, String lastModified) {
        // RFC 9111 §4.3.1: the entity tag if there is one, and Last-Modified too (an upstream may only check one).
        return new Revalidation(true, etag, lastModified);
    }

    /** Whether this asks the upstream a conditional question (a 304 is then an answer, not a pass-through). */
    public boolean isConditional() {
        return ifNoneMatch != null || ifModifiedSince != null;
    }

    /** Adjusts the headers of the upstream request. */
    public void applyTo(MultiMap upstreamHeaders) {
        if (!replacesConditionals) {
            return;
        }
        for (String name : CONDITIONALS) {
            upstreamHeaders.remove(name);
        }
        if (ifNoneMatch != null) {
            upstreamHeaders.set("If-None-Match", ifNoneMatch);
        }
        if (ifModifiedSince != null) {
            upstreamHeaders.set("If-Modified-Since", ifModifiedSince);
        }
    }
}
