package dev.offload.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP server that receives webhook deliveries in a test, on 127.0.0.1 and a free port. It records every
 * request and answers as {@link #answer} says for the n-th request (1-based): a status, extra headers, or a delay
 * longer than the dispatcher's timeout to play a slow receiver.
 */
final class WebhookReceiver implements AutoCloseable {
    /** How to answer one request. */
    record Reply(int status, long delayMillis, Map<String, String> headers) {
        static Reply status(int status) {
            return new Reply(status, 0, Map.of());
        }
    }

    /** A received request: lower-case header names. */
    record Received(Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }

        Map<String, List<String>> headersForVerification() {
            Map<String, List<String>> all = new TreeMap<>();
            headers.forEach((k, v) -> all.put(k, List.of(v)));
            return all;
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final HttpServer server;
    private volatile IntFunction<Reply> answer;

    WebhookReceiver(IntFunction<Reply> answer) {
        this.answer = answer;
        this.server = TestCluster.await(
                vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    }

    WebhookReceiver() {
        this(n -> Reply.status(204));
    }

    void answer(IntFunction<Reply> next) {
        this.answer = next;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    int port() {
        return server.actualPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
            received.add(new Received(headers, body.toString()));
            Reply reply = answer.apply(count.incrementAndGet());
            Runnable respond = () -> {
                reply.headers().forEach(request.response()::putHeader);
                request.response().setStatusCode(reply.status()).end();
            };
            if (reply.delayMillis() > 0) {
                vertx.setTimer(reply.delayMillis(), t -> {
                    if (!request.response().closed()) {
                        respond.run();
                    }
                });
            } else {
                respond.run();
            }
        });
    }

    @Override
    public void close() {
        TestCluster.await(vertx.close());
    }
}
