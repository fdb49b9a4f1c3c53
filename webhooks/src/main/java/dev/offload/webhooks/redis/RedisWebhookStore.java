package dev.offload.webhooks.redis;

import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.StoreUnavailableException;
import dev.offload.store.redis.WebhookOutbox;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.EndpointHealth;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.SigningSecret;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookEndpoint;
import dev.offload.webhooks.WebhookStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The {@link WebhookStore} on Redis. Endpoints, deliveries and their logs share the hash tag {@code {wh}} (one Redis
 * Cluster slot, so each script is atomic); the outbox streams are the store's per-shard streams (see
 * {@link WebhookOutbox}), read through the consumer group {@value #GROUP}.
 *
 * <pre>
 * prefix:{wh}:ep:id                HASH doc (endpoint JSON with secrets), health (EndpointHealth JSON)
 * prefix:{wh}:tenant:tenant        ZSET endpoint ids by creation time
 * prefix:{wh}:callback:tenant      STRING the tenant's callback secrets (JSON)
 * prefix:{wh}:dlv:id               STRING delivery JSON, expires after webhooks.retention
 * prefix:{wh}:due                  ZSET delivery ids by next attempt time (epoch ms)
 * prefix:{wh}:log:ep:id            ZSET delivery ids of an endpoint by creation time (newest 1000)
 * prefix:{wh}:log:job:id           ZSET delivery ids of a job by creation time (newest 1000)
 * </pre>
 *
 * <p>Thread-safe; every method blocks on network I/O (call from virtual threads).
 */
public final class RedisWebhookStore implements WebhookStore {
    static final String GROUP = "webhook-dispatchers";
    private static final String CREATE_DELIVERIES = script("create_deliveries");
    private static final String CLAIM_DUE = script("claim_due");
    private static final String SAVE_DELIVERY = script("save_delivery");

    private final UnifiedJedis redis;
    private final WebhookOutbox outbox;
    private final String prefix;
    private final Duration retention;
    private final String where;
    private volatile boolean groupsReady;

    public RedisWebhookStore(RedisStoreConfig store, WebhookConfig config, Clock clock) {
        this.redis = WebhookOutbox.client(store);
        this.outbox = new WebhookOutbox(store.keyPrefix());
        this.prefix = store.keyPrefix() + ":{wh}:";
        this.retention = config.retention();
        this.where = store.redactedUri();
        Objects.requireNonNull(clock, "clock");
    }

    // ---- endpoints -------------------------------------------------------------------------------------------------

    @Override
    public void createEndpoint(WebhookEndpoint endpoint) {
        call("createEndpoint", () -> {
            redis.hset(endpointKey(endpoint.id()), "doc", Json.toString(endpoint));
            redis.zadd(tenantKey(endpoint.tenant()), endpoint.createdAt().toEpochMilli(), endpoint.id());
            // The markers tell the transition script to write this tenant's job events to the outbox. They are set
            // after the endpoint exists and never removed (deleting the last endpoint leaves them): a marker too many
            // costs an outbox entry the dispatcher drops, a marker missing would lose events.
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                redis.set(outbox.tenantMarker(shard, endpoint.tenant()), "1");
            }
            return null;
        });
    }

    @Override
    public Optional<WebhookEndpoint> endpoint(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            return Optional.empty();
        }
        String doc = call("endpoint", () -> redis.hget(endpointKey(id), "doc"));
        return Optional.ofNullable(doc).map(d -> Json.fromString(d, WebhookEndpoint.class));
    }

    @Override
    public List<WebhookEndpoint> endpoints(String tenant) {
        return call("endpoints", () -> {
            List<WebhookEndpoint> found = new ArrayList<>();
            for (String id : redis.zrange(tenantKey(tenant), 0, -1)) {
                String doc = redis.hget(endpointKey(id), "doc");
                if (doc != null) {
                    found.add(Json.fromString(doc, WebhookEndpoint.class));
                }
            }
            return found;
        });
    }

    @Override
    public boolean deleteEndpoint(String tenant, String id) {
        if (endpoint(tenant, id).isEmpty()) {
            return false;
        }
        return call("deleteEndpoint", () -> {
            redis.zrem(tenantKey(tenant), id);
            return redis.del(endpointKey(id)) == 1;
        });
    }

    @Override
    public void saveSecrets(WebhookEndpoint endpoint) {
        call("saveSecrets", () -> redis.hset(endpointKey(endpoint.id()), "doc", Json.toString(endpoint)));
    }

    @Override
    public EndpointHealth health(String endpointId) {
        String doc = call("health", () -> redis.hget(endpointKey(endpointId), "health"));
        return doc == null ? EndpointHealth.HEALTHY : Json.fromString(doc, EndpointHealth.class);
    }

    @Override
    public void saveHealth(String endpointId, EndpointHealth health) {
        call("saveHealth", () -> {
            // Only while the endpoint exists: a delivery finishing after a delete must not resurrect a husk.
            if (redis.hexists(endpointKey(endpointId), "doc")) {
                redis.hset(endpointKey(endpointId), "health", Json.toString(health));
            }
            return null;
        });
    }

    @Override
    public List<SigningSecret> callbackSecrets(String tenant) {
        String doc = call("callbackSecrets", () -> redis.get(prefix + "callback:" + tenant));
        return doc == null ? List.of() : Arrays.asList(Json.fromString(doc, SigningSecret[].class));
    }

    @Override
    public void saveCallbackSecrets(String tenant, List<SigningSecret> secrets) {
        call("saveCallbackSecrets", () -> redis.set(prefix + "callback:" + tenant, Json.toString(secrets)));
    }

    // ---- outbox ----------------------------------------------------------------------------------------------------

    @Override
    public List<OutboxEvent> readOutbox(String consumer, int limit) {
        return call("readOutbox", () -> {
            ensureGroups();
            Map<String, StreamEntryID> streams = new LinkedHashMap<>();
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                streams.put(outbox.stream(shard), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
            }
            List<Map.Entry<String, List<StreamEntry>>> read;
            try {
                read = redis.xreadGroup(
                        GROUP, consumer, XReadGroupParams.xReadGroupParams().count(limit), streams);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                    throw e;
                }
                groupsReady = false; // the streams were deleted (e.g. FLUSHDB): make them again next time
                return List.of();
            }
            List<OutboxEvent> events = new ArrayList<>();
            if (read != null) {
                for (Map.Entry<String, List<StreamEntry>> stream : read) {
                    int shard = shardOf(stream.getKey());
                    stream.getValue().forEach(entry -> events.add(event(shard, entry)));
                }
            }
            return events;
        });
    }

    @Override
    public List<OutboxEvent> reclaimOutbox(String consumer, Duration minIdle, int limit) {
        return call("reclaimOutbox", () -> {
            ensureGroups();
            List<OutboxEvent> events = new ArrayList<>();
            for (int shard = 0; shard < JobId.SHARDS && events.size() < limit; shard++) {
                Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.xautoclaim(
                        outbox.stream(shard),
                        GROUP,
                        consumer,
                        minIdle.toMillis(),
                        new StreamEntryID(0, 0),
                        XAutoClaimParams.xAutoClaimParams().count(limit - events.size()));
                for (StreamEntry entry : claimed.getValue()) {
                    if (entry != null && entry.getFields() != null) {
                        events.add(event(shard, entry));
                    }
                }
            }
            return events;
        });
    }

    @Override
    public void recordOutbox(OutboxEvent event, List<Delivery> deliveries) {
        call("recordOutbox", () -> {
            if (!deliveries.isEmpty()) {
                create(deliveries);
            }
            // Only now that the deliveries are durable: a dispatcher dying before this line leaves the event pending,
            // and another one reclaims it and records it again (creating nothing twice).
            StreamEntryID id = new StreamEntryID(event.entryId());
            redis.xack(outbox.stream(event.shard()), GROUP, id);
            redis.xdel(outbox.stream(event.shard()), id);
            return null;
        });
    }

    @Override
    public void clearProgressFlag(String jobId) {
        call("clearProgressFlag", () -> redis.hdel(outbox.job(jobId), "hp"));
    }

    @Override
    public Optional<String> currentJobRecord(String jobId) {
        return Optional.ofNullable(call("currentJobRecord", () -> redis.hget(outbox.job(jobId), "doc")));
    }

    // ---- deliveries ------------------------------------------------------------------------------------------------

    @Override
    public void createDelivery(Delivery delivery) {
        call("createDelivery", () -> {
            create(List.of(delivery));
            return null;
        });
    }

    private void create(List<Delivery> deliveries) {
        List<String> keys = new ArrayList<>(List.of(dueKey()));
        List<String> args = new ArrayList<>(List.of(Long.toString(retention.toMillis())));
        for (Delivery d : deliveries) {
            keys.add(deliveryKey(d.id()));
            keys.add(d.endpointId() == null ? prefix + "log:callback:" + d.tenant() : endpointLogKey(d.endpointId()));
            keys.add(d.jobId() == null ? prefix + "log:tests" : jobLogKey(d.jobId()));
            args.add(d.id());
            args.add(Json.toString(d));
            args.add(Long.toString(d.nextAttemptAt().toEpochMilli()));
            args.add(Long.toString(d.createdAt().toEpochMilli()));
        }
        redis.eval(CREATE_DELIVERIES, keys, args);
    }

    @Override
    public List<String> claimDue(Instant now, int limit, Duration hold) {
        Object ids = call(
                "claimDue",
                () -> redis.eval(
                        CLAIM_DUE,
                        List.of(dueKey()),
                        List.of(
                                Long.toString(now.toEpochMilli()),
                                Long.toString(now.plus(hold).toEpochMilli()),
                                Integer.toString(limit))));
        return ((List<?>) ids).stream().map(String::valueOf).toList();
    }

    @Override
    public Optional<Delivery> delivery(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
            return Optional.empty();
        }
        String doc = call("delivery", () -> redis.get(deliveryKey(id)));
        return Optional.ofNullable(doc).map(d -> Json.fromString(d, Delivery.class));
    }

    @Override
    public void saveDelivery(Delivery delivery) {
        call(
                "saveDelivery",
                () -> redis.eval(
                        SAVE_DELIVERY,
                        List.of(deliveryKey(delivery.id()), dueKey()),
                        List.of(
                                delivery.id(),
                                Json.toString(delivery),
                                delivery.nextAttemptAt() == null
                                        ? ""
                                        : Long.toString(delivery.nextAttemptAt().toEpochMilli()),
                                Long.toString(retention.toMillis()))));
    }

    @Override
    public List<Delivery> deliveriesOfEndpoint(String endpointId, int limit) {
        return log(endpointLogKey(endpointId), limit);
    }

    @Override
    public List<Delivery> deliveriesOfJob(String jobId, int limit) {
        return log(jobLogKey(jobId), limit);
    }

    private List<Delivery> log(String key, int limit) {
        return call("deliveries", () -> {
            List<Delivery> found = new ArrayList<>();
            for (String id : redis.zrevrange(key, 0, limit - 1)) {
                String doc = redis.get(deliveryKey(id));
                if (doc != null) {
                    found.add(Json.fromString(doc, Delivery.class));
                }
            }
            found.sort(Comparator.comparing(Delivery::createdAt).reversed());
            return found;
        });
    }

    @Override
    public long pendingCount() {
        return call("pendingCount", () -> redis.zcard(dueKey()));
    }

    @Override
    public void close() {
        redis.close();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private void ensureGroups() {
        if (groupsReady) {
            return;
        }
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            try {
                // From the start of the stream: events written before any dispatcher ever ran are delivered too.
                redis.xgroupCreate(outbox.stream(shard), GROUP, new StreamEntryID(0, 0), true);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                    throw e;
                }
            }
        }
        groupsReady = true;
    }

    private OutboxEvent event(int shard, StreamEntry entry) {
        Map<String, String> fields = entry.getFields();
        return new OutboxEvent(
                shard, entry.getID().toString(), fields.get("type"), fields.get("job"), fields.get("doc"));
    }

    private int shardOf(String stream) {
        for (int shard = 0; shard < JobId.SHARDS; shard++) {
            if (outbox.stream(shard).equals(stream)) {
                return shard;
            }
        }
        throw new IllegalStateException("unexpected outbox stream " + stream);
    }

    private String endpointKey(String id) {
        return prefix + "ep:" + id;
    }

    private String tenantKey(String tenant) {
        return prefix + "tenant:" + tenant;
    }

    private String deliveryKey(String id) {
        return prefix + "dlv:" + id;
    }

    private String dueKey() {
        return prefix + "due";
    }

    private String endpointLogKey(String id) {
        return prefix + "log:ep:" + id;
    }

    private String jobLogKey(String id) {
        return prefix + "log:job:" + id;
    }

    private <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (JedisDataException e) {
            throw new IllegalStateException("Redis rejected webhook " + operation + ": " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new StoreUnavailableException(
                    "Redis at " + where + " is unavailable (webhook " + operation + "): " + e.getMessage(), e);
        }
    }

    private static String script(String name) {
        try (InputStream in = RedisWebhookStore.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + name + ".lua", e);
        }
    }
}
