package dev.offload.bench.reference;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * The HTTP ceiling: a bare Vert.x server that reads the request body and answers 202 with a body of a job document's
 * size. No routing, no auth, no store, no broker. Deploy one instance per event loop; each runs on its own loop.
 */
public final class RefHttpServer extends VerticleBase {

    private final String host;
    private final int port;
    private final Buffer accepted;

    public RefHttpServer(String host, int port, int bodySize) {
        this.host = host;
        this.port = port;
        this.accepted = AcceptedBody.of(bodySize);
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer()
                .requestHandler(request -> request.body()
                        .onSuccess(body -> request.response()
                                .setStatusCode(202)
                                .putHeader("Content-Type", "application/json")
                                .end(accepted))
                        .onFailure(e -> request.response().setStatusCode(400).end()))
                .listen(port, host)
                .map(HttpServer::actualPort);
    }
}
