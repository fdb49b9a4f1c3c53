package dev.offload.store.redis;

import dev.offload.model.Job;
import dev.offload.store.BatchResult;
import dev.offload.store.CreateResult;
import dev.offload.store.JobStore;
import dev.offload.store.JobWrites;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.store.redis.SubmissionScripts.ScriptCall;
import dev.offload.store.redis.SubmissionScripts.ShardedBatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@link JobWrites} on Redis with Vert.x's non-blocking Redis client: the same scripts as {@link RedisJobStore}
 * (encoded by {@link SubmissionScripts}), sent from the caller's event loop; the answer arrives on it too, with no
 * thread blocked or woken in between. One script call per shard of a batch, as with the blocking store.
 *
 * <p>Scripts go by their SHA1, computed here; when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH) the call
 * is sent once more as EVAL with the script's text, which also caches it again. A call that gets no answer within
 * {@code store.redis.timeout} fails as "store unavailable", like a Jedis socket timeout. Connections come from the
 * client's pool ({@code store.redis.poolSize}) and are opened on first use. Thread-safe.
 */
final class RedisJobWrites implements JobWrites {
    // Requests waiting for a pooled connection; the gateway's group commit keeps a handful in flight, far fewer.
    private static final int MAX_POOL_WAITING = 1024;

    private final Vertx vertx;
    private final Redis client;
    private final SubmissionScripts scripts;
    private final long timeoutMillis;
    private final String where;

    RedisJobWrites(Vertx vertx, RedisStoreConfig config) {
        this.vertx = vertx;
        this.scripts = new SubmissionScripts(new RedisKeys(config.keyPrefix()));
        this.timeoutMillis = config.timeout().toMillis();
        this.where = config.redactedUri();
        RedisOptions options = new RedisOptions()
                .setConnectionString(config.uri().toString())
                .setMaxPoolSize(config.poolSize())
                .setMaxPoolWaiting(MAX_POOL_WAITING)
                // The scripts' replies are read as RESP2 shapes, as with Jedis; no HELLO round trip per connection.
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setProtocolNegotiation(false)
                .setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout(Math.toIntExact(timeoutMillis))
                        .setTcpNoDelay(true));
        this.client = Redis.createClient(vertx, options);
    }

    @Override
    public Future<List<BatchResult<CreateResult>>> createAll(List<JobStore.Creation> creations) {
        return perShard(
                "create", SubmissionScripts.CREATE, scripts.creations(creations), SubmissionScripts::createResult);
    }

    @Override
    public Future<List<BatchResult<Boolean>>> confirmPublishedAll(List<Job> queued) {
        return perShard(
                "confirmPublished",
                SubmissionScripts.CONFIRM_PUBLISHED,
                scripts.confirmations(queued),
                SubmissionScripts::confirmResult);
    }

    /**
     * Sends each shard's script call; the batch fails as a whole only if every shard found the store unavailable
     * (then nothing is known of any item), otherwise each job gets its part of its shard's answer or failure.
     */
    private <T> Future<List<BatchResult<T>>> perShard(
            String operation, LuaScript script, ShardedBatch batch, BiFunction<ScriptCall, Object, T> reply) {
        List<Future<BatchResult<List<?>>>> sent = new ArrayList<>(batch.calls().size());
        for (ScriptCall call : batch.calls()) {
            sent.add(run(operation, script, call)
                    .map(answer -> BatchResult.<List<?>>of((List<?>) answer))
                    .otherwise(BatchResult::failedBy));
        }
        return Future.join(sent).compose(all -> {
            List<BatchResult<List<?>>> replies = new ArrayList<>(sent.size());
            sent.forEach(f -> replies.add(f.result()));
            if (replies.stream()
                    .allMatch(r -> r instanceof BatchResult.Failure<List<?>> f
                            && f.error() instanceof StoreUnavailableException)) {
                return Future.failedFuture(((BatchResult.Failure<List<?>>) replies.getFirst()).error());
            }
            return Future.succeededFuture(batch.results(replies, reply));
        });
    }

    /** One script call, by SHA1, then by its text if Redis does not know it; answers as Jedis would give them. */
    private Future<Object> run(String operation, LuaScript script, ScriptCall call) {
        return send(operation, script(Command.EVALSHA, script.digest(), call))
                .recover(e -> isNoScript(e)
                        ? send(operation, script(Command.EVAL, script.source(), call))
                        : Future.failedFuture(e))
                .map(RedisJobWrites::plain);
    }

    private static Request script(Command command, String scriptOrSha, ScriptCall call) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(call.keys().size());
        call.keys().forEach(request::arg);
        call.args().forEach(request::arg);
        return request;
    }

    /**
     * Sends {@code request}; a Redis error answer fails with {@link IllegalStateException} (a bug, not an outage; its
     * message keeps Redis's, so NOSCRIPT can be recognised), anything else, and no answer within the timeout, with
     * {@link StoreUnavailableException}.
     */
    private Future<Response> send(String operation, Request request) {
        Promise<Response> answered = Promise.promise();
        long timer = vertx.setTimer(
                timeoutMillis,
                id -> answered.tryFail(new StoreUnavailableException("Redis at " + where + " did not answer "
                        + operation + " within " + timeoutMillis + " ms (store.redis.timeout)")));
        client.send(request).onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                answered.tryComplete(done.result());
            } else if (done.cause() instanceof Response error && error.type() == ResponseType.ERROR) {
                answered.tryFail(new IllegalStateException(
                        "Redis rejected " + operation + ": " + done.cause().getMessage(), done.cause()));
            } else {
                answered.tryFail(new StoreUnavailableException(
                        "Redis at " + where + " is unavailable (" + operation + "): "
                                + done.cause().getMessage(),
                        done.cause()));
            }
        });
        return answered.future();
    }

    /** A reply as Jedis gives it for RESP2: lists, Long integers, String bulk and status replies, null. */
    private static Object plain(Response response) {
        if (response == null) {
            return null;
        }
        return switch (response.type()) {
            case MULTI, PUSH -> {
                List<Object> items = new ArrayList<>(response.size());
                for (Response item : response) {
                    items.add(plain(item));
                }
                yield items;
            }
            case NUMBER -> response.toLong();
            case BOOLEAN -> response.toBoolean() ? 1L : 0L;
            default -> response.toString();
        };
    }

    // Redis's error answers arrive as the cause of the IllegalStateException that send() fails with.
    private static boolean isNoScript(Throwable e) {
        return e.getCause() instanceof Response answer
                && answer.type() == ResponseType.ERROR
                && String.valueOf(e.getCause().getMessage()).startsWith("NOSCRIPT");
    }

    @Override
    public void close() {
        client.close();
    }
}
