package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.Progress;
import dev.offload.standalone.WebhookReceiver.Received;
import dev.offload.standalone.WebhookReceiver.Reply;
import dev.offload.store.JobStore;
import dev.offload.store.RedisStoreConfig;
import dev.offload.store.redis.WebhookOutbox;
import dev.offload.testing.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * An event must survive the process that raised it and the dispatcher that first read it: the job's terminal
 * transition writes the event to the outbox in the same atomic step, and a dispatcher's unrecorded events are taken
 * over by another one after {@code webhooks.reclaimAfter}.
 */
class WebhookDurabilityIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private TestCluster cluster;
    private ApiClient api;
    private WebhookReceiver receiver;
    private String secret;

    @BeforeEach
    void start() {
        cluster = new TestCluster();
        api = cluster.startGateway();
        receiver = new WebhookReceiver(n -> Reply.status(200));
        ApiClient.Response created = api.send(
                "POST",
                "/v1/webhooks",
                "{\"url\":\"" + receiver.url("/durable") + "\",\"events\":[\"job.succeeded\"]}",
                "application/json");
        assertThat(created.status()).isEqualTo(201);
        secret = created.json().path("secret").asText();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        cluster.close();
    }

    @Test
    void aJobFinishedByAWorkerThatDiesRightAfterIsStillDelivered() throws Exception {
        // A job on the queue no worker consumes: the test plays the worker, writes the outcome, and "dies".
        String id = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":{}}")
                .id();
        JobStore store = cluster.store();
        Job queued = store.find(id).orElseThrow();
        Job running = store.compareAndSet(queued, queued.claim("doomed-worker", Instant.now(), Duration.ofMinutes(1)))
                .orElseThrow();
        store.compareAndSet(running, running.succeed(JsonNodeFactory.instance.objectNode(), Instant.now()))
                .orElseThrow();

        cluster.startDispatcher();

        Received delivery = awaitOne();
        assertThat(delivery.json().path("data").path("id").asText()).isEqualTo(id);
        new com.standardwebhooks.Webhook(secret).verify(delivery.body(), delivery.headersForVerification());
    }

    @Test
    void anEventReadByADispatcherThatDiedIsTakenOverByAnother() throws Exception {
        cluster.startWorker();
        String id = api.submit("{\"type\":\"demo.echo\",\"payload\":{}}").id();
        await().atMost(PATIENCE).until(() -> api.get("/v1/jobs/" + id).state().equals("succeeded"));
        // A dispatcher reads the event from the outbox and dies before it records the delivery.
        assertThat(readOutboxAs("dead-dispatcher")).isEqualTo(1);

        cluster.startDispatcher();

        Received delivery = awaitOne();
        assertThat(delivery.json().path("data").path("id").asText()).isEqualTo(id);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void progressReportedWhileNoDispatcherRunsIsCoalescedIntoOneEventWithTheLatestProgress() {
        ApiClient.Response created = api.send(
                "POST",
                "/v1/webhooks",
                "{\"url\":\"" + receiver.url("/progress") + "\",\"events\":[\"job.progress\"]}",
                "application/json");
        assertThat(created.status()).isEqualTo(201);
        String id = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":{}}")
                .id();
        JobStore store = cluster.store();
        Job job = store.find(id).orElseThrow();
        job = store.compareAndSet(job, job.claim("worker", Instant.now(), Duration.ofMinutes(1)))
                .orElseThrow();

        for (int percent = 10; percent <= 50; percent += 10) {
            job = store.compareAndSet(job, job.reportProgress(new Progress(percent, "step"), Instant.now()))
                    .orElseThrow();
        }
        cluster.startDispatcher();

        await().atMost(PATIENCE)
                .until(() -> receiver.received().stream()
                        .anyMatch(r -> r.json().path("type").asText().equals("job.progress")));
        List<Received> progress = receiver.received().stream()
                .filter(r -> r.json().path("type").asText().equals("job.progress"))
                .toList();
        assertThat(progress).hasSize(1);
        assertThat(progress.get(0)
                        .json()
                        .path("data")
                        .path("progress")
                        .path("percent")
                        .asInt())
                .isEqualTo(50); // one event (later reports waited behind the first), showing the latest progress
    }

    private Received awaitOne() {
        await().atMost(PATIENCE).until(() -> !receiver.received().isEmpty());
        return receiver.received().get(0);
    }

    /** Reads every outbox stream through the dispatchers' consumer group, as a dispatcher would; returns the count. */
    private int readOutboxAs(String consumer) {
        RedisStoreConfig config = RedisStoreConfig.from(cluster.settings());
        WebhookOutbox outbox = new WebhookOutbox(config.keyPrefix());
        try (RedisClient redis = RedisClient.create(java.net.URI.create(RedisFixture.uri()))) {
            Map<String, StreamEntryID> streams = new LinkedHashMap<>();
            for (int shard = 0; shard < JobId.SHARDS; shard++) {
                try {
                    redis.xgroupCreate(outbox.stream(shard), "webhook-dispatchers", new StreamEntryID(0, 0), true);
                } catch (JedisDataException busyGroup) {
                    // made already
                }
                streams.put(outbox.stream(shard), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
            }
            var read = redis.xreadGroup(
                    "webhook-dispatchers",
                    consumer,
                    XReadGroupParams.xReadGroupParams().count(100),
                    streams);
            return read == null
                    ? 0
                    : read.stream().mapToInt(e -> e.getValue().size()).sum();
        }
    }
}
