package dev.offload.store.redis;

import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.JobCursor;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * One listing of a tenant's jobs, newest first: a k-way merge of the tenant's 32 shard indexes, each read in chunks
 * (one pipelined round trip per refill), then the documents of the candidates (one more round trip per batch).
 * Filters apply to the documents, so it keeps reading until the page is full or the indexes are exhausted. Index
 * entries whose job expired are removed on the way. Not thread-safe; one instance per call.
 */
final class RedisTenantListing {
    /** Order of the listing: creation time descending, then id descending (Redis' order for equal scores). */
    private static final Comparator<Tuple> NEWEST_FIRST = Comparator.comparingDouble(Tuple::getScore)
            .thenComparing(Tuple::getElement)
            .reversed();

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String tenant;
    private final JobQuery query;
    private final List<ShardIndex> shards = new ArrayList<>();

    RedisTenantListing(UnifiedJedis redis, RedisKeys keys, String tenant, JobQuery query) {
        this.redis = redis;
        this.keys = keys;
        this.tenant = tenant;
        this.query = query;
        JobCursor after = query.cursor() == null ? null : JobCursor.decode(query.cursor());
        int chunk = query.limit() + 1;
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            shards.add(new ShardIndex(keys.tenantIndex(shard, tenant), after, chunk));
        }
    }

    JobPage page() {
        int wanted = query.limit() + 1; // one more than the page tells whether another page exists
        List<Job> found = new ArrayList<>();
        while (found.size() < wanted) {
            refillEmptyShards();
            List<Tuple> candidates = takeInOrder(wanted - found.size());
            if (candidates.isEmpty()) {
                break;
            }
            found.addAll(load(candidates));
        }
        if (found.size() <= query.limit()) {
            return new JobPage(found, null);
        }
        List<Job> page = found.subList(0, query.limit());
        Job last = page.get(page.size() - 1);
        return new JobPage(page, new JobCursor(last.createdAt().toEpochMilli(), last.id()).encode());
    }

    private void refillEmptyShards() {
        List<ShardIndex> empty = shards.stream().filter(ShardIndex::needsRefill).toList();
        while (!empty.isEmpty()) {
            List<Response<List<Tuple>>> responses = new ArrayList<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                empty.forEach(s -> responses.add(s.request(pipeline)));
                pipeline.sync();
            }
            List<ShardIndex> again = new ArrayList<>();
            for (int i = 0; i < empty.size(); i++) {
                if (!empty.get(i).accept(responses.get(i).get())) {
                    again.add(empty.get(i));
                }
            }
            empty = again;
        }
    }

    /** Candidates in listing order, stopping where a shard must be read further before the order is known. */
    private List<Tuple> takeInOrder(int max) {
        List<Tuple> taken = new ArrayList<>();
        while (taken.size() < max) {
            if (shards.stream().anyMatch(ShardIndex::needsRefill)) {
                break;
            }
            ShardIndex next = shards.stream()
                    .filter(s -> !s.buffer.isEmpty())
                    .min((a, b) -> NEWEST_FIRST.compare(a.buffer.peekFirst(), b.buffer.peekFirst()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            taken.add(next.buffer.pollFirst());
        }
        return taken;
    }

    private List<Job> load(List<Tuple> candidates) {
        List<Response<String>> docs = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            candidates.forEach(c -> docs.add(pipeline.hget(keys.job(c.getElement()), "doc")));
            pipeline.sync();
        }
        List<Job> matching = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            String doc = docs.get(i).get();
            if (doc == null) {
                expired.add(candidates.get(i).getElement());
                continue;
            }
            Job job = Json.fromString(doc, Job.class);
            if (matches(job)) {
                matching.add(job);
            }
        }
        forget(expired);
        return matching;
    }

    private boolean matches(Job job) {
        return (query.state() == null || job.state() == query.state())
                && (query.type() == null || Objects.equals(job.spec().type(), query.type()))
                && (query.queue() == null || Objects.equals(job.spec().queue(), query.queue()));
    }

    private void forget(List<String> expiredIds) {
        if (expiredIds.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            expiredIds.forEach(id -> pipeline.zrem(keys.tenantIndex(JobId.shardOf(id), tenant), id));
            pipeline.sync();
        }
    }

    /** The read position in one shard's index. */
    private static final class ShardIndex {
        private final String key;
        private final Deque<Tuple> buffer = new ArrayDeque<>();
        private JobCursor position;
        private int chunk;
        private boolean exhausted;

        ShardIndex(String key, JobCursor position, int chunk) {
            this.key = key;
            this.position = position;
            this.chunk = chunk;
        }

        boolean needsRefill() {
            return buffer.isEmpty() && !exhausted;
        }

        Response<List<Tuple>> request(AbstractPipeline pipeline) {
            String max = position == null ? "+inf" : Long.toString(position.createdAtMillis());
            return pipeline.zrevrangeByScoreWithScores(key, max, "-inf", 0, chunk);
        }

        /**
         * Takes a chunk read from the position's score downwards. Entries with the position's score that are not
         * after it are skipped; if a whole chunk was such ties, it asks for a bigger chunk ({@code false}).
         */
        boolean accept(List<Tuple> entries) {
            for (Tuple entry : entries) {
                if (position == null || position.precedes((long) entry.getScore(), entry.getElement())) {
                    buffer.addLast(entry);
                }
            }
            boolean full = entries.size() == chunk;
            if (buffer.isEmpty() && full) {
                chunk *= 2;
                return false;
            }
            exhausted = !full;
            if (!buffer.isEmpty()) {
                Tuple last = buffer.peekLast();
                position = new JobCursor((long) last.getScore(), last.getElement());
            }
            return true;
        }
    }
}
