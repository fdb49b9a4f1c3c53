package dev.offload.store.redis;

import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.BatchResult;
import dev.offload.store.CreateResult;
import dev.offload.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The scripts of a submission's two writes (create, confirm the publication) as keys and arguments, and their replies
 * as results: one encoding for the blocking store ({@link RedisJobStore}) and the non-blocking writes
 * ({@link RedisJobWrites}), which must agree with the same Lua scripts. Batches are sent as one script call per shard
 * ({@link ShardedBatch}). Stateless apart from the key layout; thread-safe.
 */
final class SubmissionScripts {
    static final LuaScript CREATE = LuaScript.load("create");
    static final LuaScript CONFIRM_PUBLISHED = LuaScript.load("confirm_published");

    private final RedisKeys keys;

    SubmissionScripts(RedisKeys keys) {
        this.keys = keys;
    }

    /** A script's keys and arguments, and the job record it writes (or, for a confirmation, the job it confirms). */
    record ScriptCall(List<String> keys, List<String> args, Job stored) {}

    /** {@code creations} as one create script call per shard. */
    ShardedBatch creations(List<JobStore.Creation> creations) {
        List<ScriptCall> calls = new ArrayList<>(creations.size());
        for (JobStore.Creation c : creations) {
            calls.add(create(c.job(), c.idempotencyTtl()));
        }
        return new ShardedBatch(calls, SubmissionScripts::creates);
    }

    /** The confirmations of {@code queued} as one confirm script call per shard. */
    ShardedBatch confirmations(List<Job> queued) {
        List<ScriptCall> calls = new ArrayList<>(queued.size());
        for (Job job : queued) {
            calls.add(confirm(job));
        }
        return new ShardedBatch(calls, this::confirms);
    }

    /** The keys and arguments of the create script for {@code job}, and the record it stores. */
    ScriptCall create(Job job, Duration idempotencyTtl) {
        String key = job.spec().idempotencyKey();
        requireKeyShard(job, key);
        int shard = JobId.shardOf(job.id());
        List<String> scriptKeys = new ArrayList<>(List.of(
                keys.job(job.id()), keys.timers(shard), keys.tenantIndex(shard, job.tenant()), keys.unfinished(shard)));
        if (key != null) {
            scriptKeys.add(keys.idempotency(job.tenant(), key));
        }
        Job stored = job.withVersion(1);
        List<String> args = List.of(
                job.id(),
                Json.toString(stored),
                millis(stored.expiresAt()),
                deadline(stored),
                millis(stored.createdAt()),
                Long.toString(Math.max(1, idempotencyTtl.toMillis())),
                keys.jobPrefix(shard),
                job.tenant());
        return new ScriptCall(scriptKeys, args, stored);
    }

    /** The create script's encoding of several jobs: their count, then each job's key count and arguments. */
    static ScriptCall creates(List<ScriptCall> jobs) {
        List<String> allKeys = new ArrayList<>();
        List<String> allArgs = new ArrayList<>();
        allArgs.add(Integer.toString(jobs.size()));
        for (ScriptCall job : jobs) {
            allKeys.addAll(job.keys());
            allArgs.add(Integer.toString(job.keys().size()));
            allArgs.addAll(job.args());
        }
        return new ScriptCall(allKeys, allArgs, null);
    }

    /** One job's answer from the create script. */
    static CreateResult createResult(ScriptCall create, Object replyObject) {
        List<?> reply = (List<?>) replyObject;
        return switch ((String) reply.get(0)) {
            case "created" -> new CreateResult.Created(create.stored());
            case "duplicate" -> new CreateResult.Duplicate(Json.fromString((String) reply.get(1), Job.class));
            default -> throw new IllegalStateException("job " + create.stored().id() + " already exists");
        };
    }

    /** A job with an idempotency key must live in the key's shard: the create script touches both atomically. */
    static void requireKeyShard(Job job, String idempotencyKey) {
        if (idempotencyKey != null && JobId.shardOf(job.id()) != JobId.shardFor(job.tenant(), idempotencyKey)) {
            throw new IllegalArgumentException("job " + job.id() + " has an idempotency key but is not in its shard;"
                    + " create the id with JobId.next(now, JobId.shardFor(tenant, idempotencyKey))");
        }
    }

    /** The confirm script's part for one job: its hash, the version that was published, its id. */
    ScriptCall confirm(Job queued) {
        return new ScriptCall(
                List.of(keys.job(queued.id())), List.of(Long.toString(queued.version()), queued.id()), queued);
    }

    /** The confirm script's encoding of several jobs of one shard: the shard's timers, then each job's hash. */
    ScriptCall confirms(List<ScriptCall> jobs) {
        List<String> allKeys = new ArrayList<>(jobs.size() + 1);
        allKeys.add(keys.timers(JobId.shardOf(jobs.getFirst().stored().id())));
        List<String> allArgs = new ArrayList<>(2 * jobs.size());
        for (ScriptCall job : jobs) {
            allKeys.addAll(job.keys());
            allArgs.addAll(job.args());
        }
        return new ScriptCall(allKeys, allArgs, null);
    }

    /** One job's answer from the confirm script: whether its publish timer was dropped. */
    static boolean confirmResult(ScriptCall confirm, Object reply) {
        return Long.valueOf(1).equals(reply);
    }

    static String deadline(Job job) {
        Instant deadline = job.deadline();
        return deadline == null ? "" : millis(deadline);
    }

    static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    /**
     * The calls of a batch grouped by shard, each group encoded as one script call ({@link #calls}); {@link #results}
     * hands each job its part of its group's reply, in the order of the original calls.
     */
    static final class ShardedBatch {
        private final List<ScriptCall> items;
        private final List<List<Integer>> groups;
        private final List<ScriptCall> calls;

        ShardedBatch(List<ScriptCall> items, Function<List<ScriptCall>, ScriptCall> combine) {
            Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                byShard.computeIfAbsent(JobId.shardOf(items.get(i).stored().id()), shard -> new ArrayList<>())
                        .add(i);
            }
            this.items = items;
            this.groups = List.copyOf(byShard.values());
            this.calls = new ArrayList<>(groups.size());
            for (List<Integer> indexes : groups) {
                calls.add(combine.apply(indexes.stream().map(items::get).toList()));
            }
        }

        /** One script call per shard. */
        List<ScriptCall> calls() {
            return calls;
        }

        /**
         * Each item's result from its shard's reply ({@code replies} in the order of {@link #calls}, each a list with
         * one answer per job); a shard whose call failed fails its jobs alone.
         */
        <T> List<BatchResult<T>> results(List<BatchResult<List<?>>> replies, BiFunction<ScriptCall, Object, T> reply) {
            List<BatchResult<T>> results = new ArrayList<>(Collections.nCopies(items.size(), null));
            for (int group = 0; group < groups.size(); group++) {
                List<Integer> indexes = groups.get(group);
                BatchResult<List<?>> shardReply = replies.get(group);
                for (int j = 0; j < indexes.size(); j++) {
                    int index = indexes.get(j);
                    int position = j;
                    results.set(
                            index,
                            switch (shardReply) {
                                case BatchResult.Failure<List<?>> failed -> BatchResult.failed(failed.error());
                                case BatchResult.Value<List<?>> answers ->
                                    BatchResult.capture(() -> reply.apply(
                                            items.get(index), answers.value().get(position)));
                            });
                }
            }
            return results;
        }
    }
}
