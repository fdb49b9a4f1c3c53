package dev.offload.store.redis;

import static dev.offload.store.redis.SubmissionScripts.deadline;
import static dev.offload.store.redis.SubmissionScripts.millis;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.BatchResult;
import dev.offload.store.CreateResult;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.store.WebhookEventType;
import dev.offload.store.redis.SubmissionScripts.ScriptCall;
import dev.offload.store.redis.SubmissionScripts.ShardedBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * The {@link JobStore} on Redis. Every write of a job is atomic: one Lua script (EVALSHA), which also maintains the
 * indexes and publishes the {@link JobEvent} of a change. Batched creations and confirmed publications send the jobs
 * of one shard as one script call, all shards' calls in one pipeline. See {@link RedisKeys} for the layout.
 *
 * <p>Thread-safe. Every method <strong>blocks</strong> on network I/O: call it from virtual threads (the connection
 * pool is sized by {@code store.redis.poolSize}) or a worker executor, never from an event loop. Connection failures,
 * timeouts and pool exhaustion throw {@link StoreUnavailableException}.
 */
final class RedisJobStore implements JobStore {
    private static final LuaScript COMPARE_AND_SET = LuaScript.load("compare_and_set");
    private static final LuaScript ABANDON = LuaScript.load("abandon");
    private static final LuaScript CLAIM_DUE = LuaScript.load("claim_due");

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final SubmissionScripts scripts;
    private final RedisEventSubscriber events;
    private final String where;

    private final int poolSize;

    RedisJobStore(UnifiedJedis redis, RedisKeys keys, RedisEventSubscriber events, RedisStoreConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new SubmissionScripts(keys);
        this.events = events;
        this.where = config.redactedUri();
        this.poolSize = config.poolSize();
    }

    @Override
    public int maxConcurrentCalls() {
        return poolSize;
    }

    @Override
    public CreateResult create(Job job, Duration idempotencyTtl) {
        return createAll(List.of(new Creation(job, idempotencyTtl))).getFirst().get();
    }

    /**
     * One create script call per shard for the batch's jobs of that shard, all in one pipeline: one round trip for
     * the whole batch, and as few script calls as the shards allow (the gateway gives concurrent jobs one shard).
     */
    @Override
    public List<BatchResult<CreateResult>> createAll(List<Creation> creations) {
        return perShard(
                "create", SubmissionScripts.CREATE, scripts.creations(creations), SubmissionScripts::createResult);
    }

    @Override
    public Optional<Job> find(String id) {
        if (!JobId.isWellFormed(id)) {
            return Optional.empty();
        }
        String doc = call("find", () -> redis.hget(keys.job(id), "doc"));
        return Optional.ofNullable(doc).map(d -> Json.fromString(d, Job.class));
    }

    @Override
    public Optional<Job> compareAndSet(Job current, Job next) {
        ScriptCall change = compareAndSetCall(current, next);
        return compareAndSetResult(
                change, call("compareAndSet", () -> COMPARE_AND_SET.run(redis, change.keys(), change.args())));
    }

    /** One pipeline of compare-and-set scripts: one round trip for the whole batch. */
    @Override
    public List<BatchResult<Optional<Job>>> compareAndSetAll(List<Change> changes) {
        List<ScriptCall> calls = new ArrayList<>(changes.size());
        for (Change c : changes) {
            calls.add(compareAndSetCall(c.current(), c.next()));
        }
        return pipelined("compareAndSetAll", COMPARE_AND_SET, calls, this::compareAndSetResult);
    }

    private ScriptCall compareAndSetCall(Job current, Job next) {
        if (!current.id().equals(next.id())) {
            throw new IllegalArgumentException("compareAndSet of job " + current.id() + " got job " + next.id());
        }
        Job stored = next.withVersion(current.version() + 1);
        int shard = JobId.shardOf(stored.id());
        List<String> scriptKeys = List.of(
                keys.job(stored.id()),
                keys.timers(shard),
                keys.tenantIndex(shard, stored.tenant()),
                keys.unfinished(shard),
                keys.tenantHooks(shard, stored.tenant()),
                keys.outbox(shard));
        String webhookEvent = WebhookEventType.of(current, stored);
        List<String> args = List.of(
                Long.toString(current.version()),
                Long.toString(stored.version()),
                Json.toString(stored),
                millis(stored.expiresAt()),
                deadline(stored),
                stored.id(),
                millis(stored.createdAt()),
                Json.toString(JobEvent.of(stored)),
                keys.events(),
                stored.tenant(),
                Integer.toString(unfinishedChange(current, stored)),
                webhookEvent == null ? "" : webhookEvent,
                stored.spec().callbackUrl() == null ? "0" : "1");
        return new ScriptCall(scriptKeys, args, stored);
    }

    private Optional<Job> compareAndSetResult(ScriptCall change, Object written) {
        return Long.valueOf(1).equals(written) ? Optional.of(change.stored()) : Optional.empty();
    }

    @Override
    public boolean confirmPublished(Job queued) {
        return confirmPublishedAll(List.of(queued)).getFirst().get();
    }

    /** One confirm script call per shard for the batch's jobs of that shard, all in one pipeline. */
    @Override
    public List<BatchResult<Boolean>> confirmPublishedAll(List<Job> queued) {
        return perShard(
                "confirmPublished",
                SubmissionScripts.CONFIRM_PUBLISHED,
                scripts.confirmations(queued),
                SubmissionScripts::confirmResult);
    }

    /** Runs a sharded batch's script calls in one pipeline and hands each job its answer. */
    private <T> List<BatchResult<T>> perShard(
            String operation, LuaScript script, ShardedBatch batch, BiFunction<ScriptCall, Object, T> reply) {
        return batch.results(
                pipelined(operation + "All", script, batch.calls(), (call, answer) -> (List<?>) answer), reply);
    }

    /**
     * Runs {@code script} once per call in one pipeline and maps each reply. An item that Redis answers with an error
     * fails alone; NOSCRIPT (the script cache was flushed) reruns that item on its own, loading the script again.
     */
    private <T> List<BatchResult<T>> pipelined(
            String operation, LuaScript script, List<ScriptCall> calls, BiFunction<ScriptCall, Object, T> reply) {
        List<Response<Object>> responses = new ArrayList<>(calls.size());
        call(operation, () -> {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (ScriptCall c : calls) {
                    responses.add(pipeline.evalsha(script.digest(), c.keys(), c.args()));
                }
                pipeline.sync();
            }
            return null;
        });
        List<BatchResult<T>> results = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            ScriptCall c = calls.get(i);
            Response<Object> response = responses.get(i);
            results.add(BatchResult.capture(() -> {
                Object answer;
                try {
                    answer = response.get();
                } catch (JedisDataException e) {
                    if (!LuaScript.isNoScript(e)) {
                        throw new IllegalStateException("Redis rejected " + operation + ": " + e.getMessage(), e);
                    }
                    answer = call(operation, () -> script.run(redis, c.keys(), c.args()));
                }
                return reply.apply(c, answer);
            }));
        }
        return results;
    }

    @Override
    public boolean abandon(Job current) {
        int shard = JobId.shardOf(current.id());
        List<String> scriptKeys = new ArrayList<>(List.of(
                keys.job(current.id()),
                keys.timers(shard),
                keys.tenantIndex(shard, current.tenant()),
                keys.unfinished(shard)));
        String key = current.spec().idempotencyKey();
        if (key != null) {
            scriptKeys.add(keys.idempotency(current.tenant(), key));
        }
        List<String> args = List.of(Long.toString(current.version()), current.id(), current.tenant());
        return Long.valueOf(1).equals(call("abandon", () -> ABANDON.run(redis, scriptKeys, args)));
    }

    /**
     * One pipelined round trip: the tenant's counter in every shard. Each counter is kept exact by the scripts; the
     * sum is a snapshot, since jobs of other shards may start or finish while it is read.
     */
    @Override
    public long unfinished(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return call("unfinished", () -> {
            List<Response<String>> counts = new ArrayList<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int shard = 0; shard < JobId.SHARDS; shard++) {
                    counts.add(pipeline.hget(keys.unfinished(shard), tenant));
                }
                pipeline.sync();
            }
            long total = 0;
            for (Response<String> count : counts) {
                total += count.get() == null ? 0 : Math.max(0, Long.parseLong(count.get()));
            }
            return total;
        });
    }

    /** How a transition changes the tenant's count of unfinished jobs. */
    static int unfinishedChange(Job current, Job next) {
        boolean wasFinished = current.state().isTerminal();
        boolean isFinished = next.state().isTerminal();
        return wasFinished == isFinished ? 0 : isFinished ? -1 : 1;
    }

    @Override
    public JobPage list(String tenant, JobQuery query) {
        Objects.requireNonNull(tenant, "tenant");
        return call("list", () -> new RedisTenantListing(redis, keys, tenant, query).page());
    }

    /**
     * Two round trips: the earliest due timers of every shard (pipelined), then, for the {@code limit} earliest
     * of them, one claim script per shard (pipelined) that pushes each timer still due to {@code now + hold}. Claiming
     * only what is returned keeps the limit exact and the order fair across shards.
     */
    @Override
    public List<String> claimDue(Instant now, int limit, Duration hold) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        return call("claimDue", () -> {
            List<List<String>> candidates = dueCandidates(now, limit);
            try {
                return claim(candidates, now, hold);
            } catch (JedisDataException e) {
                if (!LuaScript.isNoScript(e)) {
                    throw e;
                }
                CLAIM_DUE.reload(redis);
                return claim(candidates, now, hold);
            }
        });
    }

    /** Per shard, the ids among the {@code limit} earliest due timers of all shards. */
    private List<List<String>> dueCandidates(Instant now, int limit) {
        List<Response<List<Tuple>>> responses = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                responses.add(pipeline.zrangeByScoreWithScores(keys.timers(shard), "-inf", millis(now), 0, limit));
            }
            pipeline.sync();
        }
        record Due(int shard, Tuple timer) {}
        List<Due> due = new ArrayList<>();
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            for (Tuple timer : responses.get(shard).get()) {
                due.add(new Due(shard, timer));
            }
        }
        List<List<String>> byShard = new ArrayList<>();
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            byShard.add(new ArrayList<>());
        }
        due.stream()
                .sorted(Comparator.comparingDouble((Due d) -> d.timer().getScore()))
                .limit(limit)
                .forEach(d -> byShard.get(d.shard()).add(d.timer().getElement()));
        return byShard;
    }

    private List<String> claim(List<List<String>> candidates, Instant now, Duration hold) {
        List<Response<Object>> responses = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                List<String> ids = candidates.get(shard);
                if (ids.isEmpty()) {
                    continue;
                }
                List<String> args =
                        new ArrayList<>(List.of(millis(now), millis(now.plus(hold)), keys.jobPrefix(shard)));
                args.addAll(ids);
                responses.add(pipeline.evalsha(CLAIM_DUE.digest(), List.of(keys.timers(shard)), args));
            }
            pipeline.sync();
        }
        List<String> claimed = new ArrayList<>();
        for (Response<Object> response : responses) {
            for (Object id : (List<?>) response.get()) {
                claimed.add((String) id);
            }
        }
        return claimed;
    }

    @Override
    public Subscription subscribe(Consumer<JobEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return events.add(listener);
    }

    @Override
    public void ping() {
        call("ping", redis::ping);
    }

    @Override
    public void close() {
        try {
            events.close();
        } finally {
            redis.close();
        }
    }

    /** Runs one Redis operation; failures to reach Redis become {@link StoreUnavailableException}. */
    private <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (JedisDataException e) {
            // Redis answered, with an error: a bug (e.g. in a script), not an outage.
            throw new IllegalStateException("Redis rejected " + operation + ": " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new StoreUnavailableException(
                    "Redis at " + where + " is unavailable (" + operation + "): " + e.getMessage(), e);
        }
    }
}
