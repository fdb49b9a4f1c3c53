package dev.offload.standalone;

import static dev.offload.standalone.TestCluster.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.JobEnvelope;
import dev.offload.transport.JobPublisher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The job API over HTTP against a real gateway, worker, Redis and Kafka broker. Every response is validated against
 * the OpenAPI document by {@link ApiClient}. {@link RabbitMqJobApiIT} runs the same tests with the queues on RabbitMQ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobApiIT {
    private TestCluster cluster;
    private ApiClient api;

    /** The deployment under test: queues {@code default} (consumed) and {@code parked} (never consumed). */
    TestCluster createCluster() {
        return new TestCluster();
    }

    /** How many messages of job {@code id} the broker holds on {@code queue}. */
    long messagesOf(TestCluster deployment, String queue, String id) {
        return TopicRecords.count(deployment.kafkaConfig(), queue, id);
    }

    @BeforeAll
    void start() {
        cluster = createCluster();
        api = cluster.startGateway();
        cluster.startWorker();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void submittedJobRunsToSuccessWithItsResult() {
        ApiClient.Response submitted = api.submit("{\"type\":\"demo.echo\",\"payload\":{\"hello\":\"world\"}}");

        assertThat(submitted.status()).isEqualTo(202);
        assertThat(submitted.header("Location")).contains("/v1/jobs/" + submitted.id());
        assertThat(submitted.header("Retry-After")).isPresent();
        assertThat(submitted.header("X-Request-Id")).isPresent();
        assertThat(submitted.state()).isIn("queued", "running", "succeeded");
        JsonNode done = awaitState(submitted.id(), "succeeded");
        assertThat(done.path("result").path("hello").asText()).isEqualTo("world");
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
        ApiClient.Response result = api.get("/v1/jobs/" + submitted.id() + "/result");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().path("hello").asText()).isEqualTo("world");
        assertThat(result.header("Cache-Control").orElseThrow()).contains("immutable");
    }

    @Test
    void longPollReturnsPromptlyAfterTheStateChanges() {
        String id = api.submit("{\"type\":\"demo.sleep\",\"payload\":{\"ms\":1500},\"queue\":\"default\"}")
                .id();
        awaitState(id, "running");

        long start = System.nanoTime();
        ApiClient.Response polled = api.get("/v1/jobs/" + id + "?wait=30");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(polled.state()).isEqualTo("succeeded");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(polled.header("Link").orElseThrow()).contains("rel=\"result\"");
    }

    @Test
    void longPollTimesOutWithTheUnchangedDocument() {
        String id = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}").id();

        long start = System.nanoTime();
        ApiClient.Response polled = api.get("/v1/jobs/" + id + "?wait=1");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(polled.status()).isEqualTo(200);
        assertThat(polled.state()).isEqualTo("queued");
        assertThat(polled.header("Cache-Control")).contains("no-cache");
    }

    @Test
    void preferWaitAnswers200WithTheFinishedJob() {
        ApiClient.Response response =
                api.submit("{\"type\":\"demo.sleep\",\"payload\":{\"ms\":200}}", "Prefer", "wait=20");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.state()).isEqualTo("succeeded");
        assertThat(response.header("Preference-Applied")).contains("wait=20");
        assertThat(response.header("Vary")).contains("Prefer");
    }

    @Test
    void preferWaitAnswers202WhenTheJobIsNotDoneInTime() {
        ApiClient.Response response = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}", "Prefer", "wait=1");

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.state()).isEqualTo("queued");
    }

    @Test
    void unchangedJobAnswers304ToIfNoneMatch() {
        // With an Idempotency-Key the 202 waits for the job's "published" mark; without one that write may land
        // between the two GETs below, and the job really did change (a 200 would then be right).
        String id = api.submit(
                        "{\"type\":\"demo.echo\",\"queue\":\"parked\"}",
                        "Idempotency-Key",
                        "etag-" + java.util.UUID.randomUUID())
                .id();
        ApiClient.Response first = api.get("/v1/jobs/" + id);

        ApiClient.Response second =
                api.get("/v1/jobs/" + id, "If-None-Match", first.header("ETag").orElseThrow());

        assertThat(second.status()).isEqualTo(304);
        assertThat(second.bytes()).isEmpty();
    }

    @Test
    void cancellingAQueuedJobCancelsItAtOnce() {
        String id = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}").id();

        ApiClient.Response cancelled = api.delete("/v1/jobs/" + id);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.state()).isEqualTo("cancelled");
        assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(409);
        assertThat(api.get("/v1/jobs/" + id + "/result").status()).isEqualTo(409);
    }

    @Test
    void cancellingARunningJobInterruptsIt() {
        String id = api.submit("{\"type\":\"demo.sleep\",\"payload\":{\"ms\":60000}}")
                .id();
        awaitState(id, "running");

        ApiClient.Response requested = api.delete("/v1/jobs/" + id);

        assertThat(requested.status()).isEqualTo(202);
        assertThat(requested.json().path("cancelRequested").asBoolean()).isTrue();
        JsonNode cancelled = awaitState(id, "cancelled");
        assertThat(cancelled.path("finishedAt").asText()).isNotEmpty();
    }

    @Test
    void scheduledJobWaitsForItsDelayThenRuns() {
        ApiClient.Response submitted = api.submit("{\"type\":\"demo.echo\",\"delaySeconds\":1}");

        assertThat(submitted.status()).isEqualTo(202);
        assertThat(submitted.state()).isEqualTo("scheduled");
        assertThat(submitted.json().path("runAt").asText()).isNotEmpty();
        awaitState(submitted.id(), "succeeded");
    }

    @Test
    void failingJobIsRetriedThenFailsWithItsError() {
        String id = api.submit("{\"type\":\"demo.fail\",\"payload\":{\"message\":\"boom\"},\"maxAttempts\":2}")
                .id();

        JsonNode failed = awaitState(id, "failed");

        assertThat(failed.path("attempts").asInt()).isEqualTo(2);
        assertThat(failed.path("error").path("message").asText()).contains("boom");
        assertThat(failed.path("error").toString()).doesNotContain("at dev.offload");
    }

    @Test
    void anotherTenantCannotSeeOrCancelTheJob() {
        String id = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}").id();
        ApiClient other = api.withKey(KEY_B);

        assertThat(other.get("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(other.delete("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/" + id).state()).isEqualTo("queued");
    }

    @Test
    void listingPagesThroughTheCallersJobsNewestFirst() {
        ApiClient tenant = api.withKey(KEY_B);
        Set<String> submitted = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(tenant.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}")
                    .id());
        }

        Set<String> listed = new HashSet<>();
        String next = "/v1/jobs?limit=2&queue=parked";
        int pages = 0;
        while (next != null) {
            ApiClient.Response page = tenant.get(next);
            assertThat(page.status()).isEqualTo(200);
            page.json().path("items").forEach(item -> listed.add(item.path("id").asText()));
            next = page.header("Link")
                    .map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>')))
                    .orElse(null);
            pages++;
        }

        assertThat(listed).containsAll(submitted);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheSameJobAndPublishesOnce() {
        String body = "{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":{\"n\":1}}";

        ApiClient.Response first = api.submit(body, "Idempotency-Key", "\"order-17\"");
        ApiClient.Response second = api.submit(body, "Idempotency-Key", "\"order-17\"");

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
        assertThat(messagesOf(cluster, "parked", first.id())).isEqualTo(1);
    }

    @Test
    void acceptedJobsPublicationIsRecordedSoTheSchedulerNeverSendsItAgain() {
        ApiClient.Response accepted = api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\"}");

        assertThat(accepted.status()).isEqualTo(202);
        // Until jobs.publishGrace (2 s here) has passed and many scheduler passes (200 ms) after it: still the one
        // message. The gateway recorded the publication by dropping the job's timer, so the scheduler never saw it.
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> messagesOf(cluster, "parked", accepted.id()) == 1);
    }

    @Test
    void sameIdempotencyKeyWithADifferentBodyIsRefused() {
        api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":1}", "Idempotency-Key", "k-422");

        ApiClient.Response reused =
                api.submit("{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":2}", "Idempotency-Key", "k-422");

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.json().path("type").asText()).endsWith("/idempotency-key-reused");
    }

    @Test
    void sameIdempotencyKeyWhileTheFirstRequestIsInFlightAnswers409() throws Exception {
        Promise<Void> release = Promise.promise();
        try (TestCluster slow = createCluster()) {
            ApiClient slowApi = slow.startGateway(publisher -> new HeldPublisher(publisher, release.future()));
            String body = "{\"type\":\"demo.echo\",\"queue\":\"parked\"}";
            CompletableFuture<ApiClient.Response> first =
                    CompletableFuture.supplyAsync(() -> slowApi.submit(body, "Idempotency-Key", "in-flight"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> slow.store()
                                    .list("tenant-a", dev.offload.store.JobQuery.firstPage(10))
                                    .jobs()
                                    .size()
                            == 1);

            ApiClient.Response second = slowApi.submit(body, "Idempotency-Key", "in-flight");
            release.complete();

            assertThat(second.status()).isEqualTo(409);
            assertThat(first.get().status()).isEqualTo(202);
        }
    }

    @Test
    void requestIdIsEchoed() {
        ApiClient.Response response = api.get("/v1/jobs?limit=1", "X-Request-Id", "trace-me-123");

        assertThat(response.header("X-Request-Id")).contains("trace-me-123");
    }

    private JsonNode awaitState(String id, String state) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = api.get("/v1/jobs/" + id).json();
                    return last[0].path("state").asText().equals(state);
                });
        return last[0];
    }

    /** Holds every publication until released: makes "the first request is still being accepted" observable. */
    private record HeldPublisher(JobPublisher delegate, Future<Void> release) implements JobPublisher {
        @Override
        public Future<Void> publish(JobEnvelope envelope) {
            return release.compose(v -> delegate.publish(envelope));
        }

        @Override
        public Future<Void> checkHealth() {
            return delegate.checkHealth();
        }

        @Override
        public Future<Void> close() {
            return delegate.close();
        }
    }
}
