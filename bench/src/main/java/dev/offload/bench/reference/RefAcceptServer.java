package dev.offload.bench.reference;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The minimal durable accept path, the reference that matters: read the body, one Redis SET (Jedis on a virtual
 * thread; the pool bounds the connections), one Kafka send with acks=all on the idempotent producer, then 202. No
 * auth, no validation, no idempotency, no second store write. The Redis keys expire after an hour.
 *
 * <p>The Redis client, the producer and the executor are shared by all instances and owned by the caller.
 */
public final class RefAcceptServer extends VerticleBase {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final SetParams EXPIRE_IN_AN_HOUR = SetParams.setParams().ex(3600);

    private final String host;
    private final int port;
    private final Buffer accepted;
    private final RedisClient redis;
    private final Producer<String, byte[]> producer;
    private final ExecutorService virtualThreads;
    private final String keyPrefix;
    private final String topic;

    /** The shared clients of all instances; see the class comment for what one request does with them. */
    public record Clients(
            RedisClient redis,
            Producer<String, byte[]> producer,
            ExecutorService virtualThreads,
            String keyPrefix,
            String topic) {}

    public RefAcceptServer(String host, int port, int bodySize, Clients clients) {
        this.host = host;
        this.port = port;
        this.accepted = AcceptedBody.of(bodySize);
        this.redis = clients.redis();
        this.producer = clients.producer();
        this.virtualThreads = clients.virtualThreads();
        this.keyPrefix = clients.keyPrefix();
        this.topic = clients.topic();
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer()
                .requestHandler(this::accept)
                .listen(port, host)
                .map(HttpServer::actualPort);
    }

    private void accept(HttpServerRequest request) {
        request.body()
                .compose(body -> Future.fromCompletionStage(durably(body.getBytes()), context))
                .onSuccess(v -> request.response()
                        .setStatusCode(202)
                        .putHeader("Content-Type", "application/json")
                        .end(accepted))
                .onFailure(e -> request.response().setStatusCode(503).end());
    }

    private CompletableFuture<Void> durably(byte[] body) {
        String key = keyPrefix + ":" + SEQUENCE.incrementAndGet();
        CompletableFuture<Void> done = new CompletableFuture<>();
        virtualThreads.execute(() -> {
            try {
                redis.set(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), body, EXPIRE_IN_AN_HOUR);
                producer.send(new ProducerRecord<>(topic, key, body), (metadata, error) -> {
                    if (error == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }
}
