package dev.offload.webhooks.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one delivery request with Vert.x's HTTP client, to an address the caller has already checked: the connection
 * goes to that IP (never resolved again here), while the {@code Host} header, TLS SNI and certificate check use the
 * URL's host name. Redirects are not followed; at most {@code bodyLimit} bytes of the response are read, then the
 * connection is dropped. Thread-safe; {@link #post} <strong>blocks</strong> its caller (a virtual thread) until the
 * response or the timeout.
 */
final class HttpSender implements AutoCloseable {
    private final HttpClientAgent client;
    private final Context context;
    private final Duration timeout;
    private final int bodyLimit;

    HttpSender(Vertx vertx, Duration timeout, int bodyLimit, int maxConnections) {
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setForceSni(true)
                        .setVerifyHost(true)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(maxConnections));
        // Every exchange runs on this one context: callers are virtual threads, and a request made from outside Vert.x
        // would get a context of its own, whose callbacks can run after the response has already ended (then setting
        // the body handlers fails). One event loop carries the dispatcher's I/O easily.
        this.context = vertx.getOrCreateContext();
        this.timeout = timeout;
        this.bodyLimit = bodyLimit;
    }

    /** What came back. {@code statusCode} is 0 when no response came; then {@code error} says why. */
    record Response(int statusCode, String body, String retryAfter, String location, String error) {}

    Response post(URI uri, InetAddress address, Map<String, String> headers, String body) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(
                        uri.getHost().startsWith("[")
                                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                                : uri.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
                .setFollowRedirects(false)
                .setIdleTimeout(timeout.toMillis());
        headers.forEach(options::putHeader);
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        Promise<Response> exchange = Promise.promise();
        context.runOnContext(v -> client.request(options)
                .compose(req -> {
                    request.set(req);
                    return req.send(Buffer.buffer(body));
                })
                .compose(this::read)
                .onComplete(exchange));
        try {
            return exchange.future()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            HttpClientRequest req = request.get();
            if (req != null) {
                context.runOnContext(v -> req.reset());
            }
            return failure("no response within " + timeout.toMillis() + " ms (webhooks.requestTimeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return failure(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure("interrupted");
        }
    }

    /** Reads at most {@code bodyLimit} bytes; a longer body is cut off by closing the connection. */
    private Future<Response> read(HttpClientResponse response) {
        Promise<Response> done = Promise.promise();
        Buffer kept = Buffer.buffer();
        Runnable finish = () -> done.tryComplete(new Response(
                response.statusCode(),
                kept.toString(),
                response.getHeader("Retry-After"),
                response.getHeader("Location"),
                null));
        response.handler(chunk -> {
            int room = bodyLimit - kept.length();
            kept.appendBuffer(room >= chunk.length() ? chunk : chunk.slice(0, Math.max(0, room)));
            if (chunk.length() > room) {
                finish.run();
                response.request().reset(); // the rest is not read
            }
        });
        response.endHandler(v -> finish.run());
        response.exceptionHandler(e -> finish.run());
        return done.future();
    }

    private static Response failure(String error) {
        return new Response(0, null, null, null, error);
    }

    @Override
    public void close() {
        client.close();
    }
}
