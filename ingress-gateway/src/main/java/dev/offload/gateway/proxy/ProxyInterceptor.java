package dev.offload.gateway.proxy;

import dev.offload.gateway.routes.RouteConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;

/**
 * A seam for further steps around sync route calls (a route's own rate limits and response cache need none: they are
 * its {@code rateLimit} and {@code cache} options). {@link SyncProxy} calls every
 * interceptor in order before the upstream call, and lets each see the upstream's response before its body streams
 * to the client. Implementations must be thread-safe and must not block (they run on the event loop).
 */
public interface ProxyInterceptor {

    /**
     * Before the upstream is called (after route matching and authentication).
     *
     * @return {@code true} if the interceptor answered the request itself (a cache hit): nothing else runs;
     *     {@code false} to go on; a failed future (e.g. an {@code ApiException} quota-exceeded) answers with that
     *     problem
     */
    default Future<Boolean> beforeUpstream(RoutingContext ctx, RouteConfig route) {
        return Future.succeededFuture(false);
    }

    /**
     * The upstream answered: status and headers are set on {@code ctx.response()}, the body not yet sent. Returns the
     * stream the body reaches the client through: {@code body} itself, or a stream that also copies it. Not called
     * for GET/HEAD on routes with {@code cache.enabled}: the response cache answers those (maybe without the
     * upstream).
     */
    default ReadStream<Buffer> onUpstreamResponse(
            RoutingContext ctx, RouteConfig route, HttpClientResponse upstream, ReadStream<Buffer> body) {
        return body;
    }
}
