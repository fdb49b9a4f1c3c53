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
    // A created job's and a clashing id's answer are always the same: one list each, not one per job.
    private static final List<String> CREATED = List.of("created");
    private static final List<String> EXISTS = List.of("exists");

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
        return new ShardedBatch(calls, this::creates, SubmissionScripts::createAnswers);
    }

    /** The confirmations of {@code queued} as one confirm script call per shard. */
    ShardedBatch confirmations(List<Job> queued) {
        List<ScriptCall> calls = new ArrayList<>(queued.size());
        for (Job job : queued) {
            calls.add(confirm(job));
        }
        return new ShardedBatch(calls, this::confirms, reply -> reply);
    }

    /** The create script's part for {@code job}: its own keys and arguments, and the record it stores. */
    ScriptCall create(Job job, Duration idempotencyTtl) {
        String key = job.spec().idempotencyKey();
        requireKeyShard(job, key);
        int shard = JobId.shardOf(job.id());
        Job stored = job.withVersion(1);
        List<String> jobKeys = key == null
                ? List.of(keys.job(job.id()), keys.tenantIndex(shard, job.tenant()))
                : List.of(
                        keys.job(job.id()), keys.tenantIndex(shard, job.tenant()), keys.idempotency(job.tenant(), key));
        List<String> args = List.of(
                job.id(),
                Json.toString(stored),
                millis(stored.expiresAt()),
                deadline(stored),
                millis(stored.createdAt()),
                job.tenant(),
                key == null ? "" : Long.toString(Math.max(1, idempotencyTtl.toMillis())));
        return new ScriptCall(jobKeys, args, stored);
    }

    /**
     * The create script's encoding of several jobs of one shard: what they share once (the shard's timers and
     * counters, its job key prefix), then each job's keys and arguments.
     */
    ScriptCall creates(List<ScriptCall> jobs) {
        int shard = JobId.shardOf(jobs.getFirst().stored().id());
        List<String> allKeys = new ArrayList<>(2 + 3 * jobs.size());
        allKeys.add(keys.timers(shard));
        allKeys.add(keys.unfinished(shard));
        List<String> allArgs = new ArrayList<>(1 + 7 * jobs.size());
        allArgs.add(keys.jobPrefix(shard));
        for (ScriptCall job : jobs) {
            allKeys.addAll(job.keys());
            allArgs.addAll(job.args());
        }
        return new ScriptCall(allKeys, allArgs, null);
    }

    /**
     * A create script's reply ({@code {status, duplicate doc, ...}}, see create.lua) as one answer per job, in order:
     * {@code ["created"]}, {@code ["exists"]} or {@code ["duplicate", doc]}.
     */
    static List<?> createAnswers(List<?> parts) {
        String status = (String) parts.getFirst();
        List<List<String>> answers = new ArrayList<>(status.length());
        int duplicates = 0;
        for (int i = 0; i < status.length(); i++) {
            answers.add(
                    switch (status.charAt(i)) {
                        case 'c' -> CREATED;
                        case 'e' -> EXISTS;
                        case 'd' -> List.of("duplicate", (String) parts.get(1 + duplicates++));
                        default -> throw new IllegalStateException("create script answered '" + status + "'");
                    });
        }
        return answers;
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
        private final Function<List<?>, List<?>> split;

        /**
         * @param combine encodes the calls of one shard as one script call
         * @param split turns a shard's reply into one answer per job, in order
         */
        ShardedBatch(
                List<ScriptCall> items,
                Function<List<ScriptCall>, ScriptCall> combine,
                Function<List<?>, List<?>> split) {
            Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                byShard.computeIfAbsent(JobId.shardOf(items.get(i).stored().id()), shard -> new ArrayList<>())
                        .add(i);
            }
            this.items = items;
            this.split = split;
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
         * Each item's result from its shard's reply ({@code replies} in the order of {@link #calls}); a shard whose
         * call failed, or whose reply cannot be read, fails its jobs alone.
         */
        <T> List<BatchResult<T>> results(List<BatchResult<List<?>>> replies, BiFunction<ScriptCall, Object, T> reply) {
            List<BatchResult<T>> results = new ArrayList<>(Collections.nCopies(items.size(), null));
            for (int group = 0; group < groups.size(); group++) {
                List<Integer> indexes = groups.get(group);
                BatchResult<List<?>> answers =
                        switch (replies.get(group)) {
                            case BatchResult.Failure<List<?>> failed -> failed;
                            case BatchResult.Value<List<?>> shardReply ->
                                BatchResult.capture(() -> split.apply(shardReply.value()));
                        };
                for (int j = 0; j < indexes.size(); j++) {
                    int index = indexes.get(j);
                    int position = j;
                    results.set(
                            index,
                            switch (answers) {
                                case BatchResult.Failure<List<?>> failed -> BatchResult.failed(failed.error());
                                case BatchResult.Value<List<?>> perJob ->
                                    BatchResult.capture(() -> reply.apply(
                                            items.get(index), perJob.value().get(position)));
                            });
                }
            }
            return results;
        }
    }
}
