package dev.offload.bench.scenario;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;

/**
 * The server under test, reached over two HTTP/1.1 keep-alive connection pools: one for short requests (submits, plain
 * GETs) and one for long-polls, so that waiting clients never hold up submissions. Neither pool has a wait-queue
 * bound of its own: the generator's bound on operations in flight is the one bound.
 *
 * <p>Thread-safe. Replies complete on the event loop of the context the request was made from.
 */
public final class HttpTarget implements AutoCloseable {

    /** The long-poll wait requested per GET, in seconds. */
    static final int WAIT_SECONDS = 30;

    private static final long REQUEST_TIMEOUT_MS = 30_000;
    private static final long WAIT_TIMEOUT_MS = (WAIT_SECONDS + 15) * 1000L;

    private final HttpClientAgent requests;
    private final HttpClientAgent waits;
    private final String host;
    private final int port;
    private final String authorization;

    /**
     * @param target the base URL ({@code http://host:port})
     * @param apiKey sent as a bearer token, or null to send none (the reference servers need none)
     * @param connections the size of the pool for short requests
     * @param waitConnections the size of the pool for long-polls
     */
    public HttpTarget(Vertx vertx, URI target, String apiKey, int connections, int waitConnections) {
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("--target must be http://host:port, but was " + target);
        }
        this.host = target.getHost();
        this.port = target.getPort() > 0 ? target.getPort() : 80;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        // Connections are kept for the whole run (keep-alive timeout 0: none). With Vert.x's default of 60 s, those
        // opened while the target was still slow in its first seconds were all closed 60 s later, at the start of an
        // e2e measurement (60 s warm-up): closing dozens at once cost the generator and the gateway CPU and
        // deoptimised code, and the p99 of those seconds rose to 30-50 ms. How a client pool shrinks is not what a
        // run measures.
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(0)
                .setTcpNoDelay(true);
        this.requests = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections));
        this.waits = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(waitConnections));
    }

    /** A status code and a body. */
    public record Reply(int status, Buffer body) {}

    public Future<Reply> post(String path, Buffer body) {
        return send(requests, HttpMethod.POST, path, body, REQUEST_TIMEOUT_MS);
    }

    public Future<Reply> get(String path) {
        return send(requests, HttpMethod.GET, path, null, REQUEST_TIMEOUT_MS);
    }

    /** GET {@code /v1/jobs/{id}?wait=30}: answers when the job's state changed, is final, or 30 s passed. */
    public Future<Reply> awaitChange(String jobId) {
        return send(waits, HttpMethod.GET, "/v1/jobs/" + jobId + "?wait=" + WAIT_SECONDS, null, WAIT_TIMEOUT_MS);
    }

    private Future<Reply> send(HttpClientAgent client, HttpMethod method, String path, Buffer body, long timeoutMs) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(path)
                .setTimeout(timeoutMs);
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)));
    }

    /** A human-readable address, for the report. */
    public String address() {
        return "http://" + host + ":" + port;
    }

    static Duration waitPerRequest() {
        return Duration.ofSeconds(WAIT_SECONDS);
    }

    @Override
    public void close() {
        requests.close();
        waits.close();
    }
}
