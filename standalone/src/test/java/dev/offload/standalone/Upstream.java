package dev.offload.standalone;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP upstream for route tests: records every request it receives (method, path, query, headers, body
 * bytes), counts the TCP connections opened to it, and answers with a configurable status, header and body.
 */
final class Upstream implements AutoCloseable {
    /** One received request. */
    record Received(String method, String path, String query, MultiMap headers, byte[] body) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger status = new AtomicInteger(200);
    /** How many of the next requests get 503 before {@link #status} applies again. */
    final AtomicInteger failNext = new AtomicInteger();

    volatile byte[] answer = "hello from upstream".getBytes();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    Upstream() {
        server = vertx.createHttpServer()
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.add(new Received(
                            request.method().name(),
                            request.path(),
                            request.query(),
                            MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                            body.getBytes()));
                    request.response()
                            .setStatusCode(failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : status.get())
                            .putHeader("Content-Type", "application/octet-stream")
                            .putHeader("X-Upstream", "yes")
                            .putHeader("Keep-Alive", "timeout=5")
                            .putHeader("Proxy-Authenticate", "Basic")
                            .end(Buffer.buffer(answer));
                }));
        TestCluster.await(server.listen(0, "127.0.0.1"));
    }

    int port() {
        return server.actualPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }
}
