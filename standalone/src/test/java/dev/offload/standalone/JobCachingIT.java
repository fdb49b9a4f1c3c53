package dev.offload.standalone;

import static dev.offload.standalone.TestCluster.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP caching of the job API against a real gateway, worker, Redis and Kafka: validators and Cache-Control of job
 * documents and results, and cacheable job types ({@code jobs.cacheableTypes}) answering an identical earlier
 * submission with its finished result. Every response is validated against the OpenAPI document by {@link ApiClient}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobCachingIT {
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() {
        cluster = new TestCluster(values -> {
            values.put("jobs.cacheableTypes", "demo.echo,demo.sleep");
            return values;
        });
        api = cluster.startGateway();
        cluster.startWorker();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    /** A payload no other test submits. */
    private static String uniqueEcho(String extra) {
        return "{\"type\":\"demo.echo\",\"payload\":{\"run\":\"" + UUID.randomUUID() + "\"" + extra + "}}";
    }

    @Test
    void identicalResubmissionIsAnsweredWithTheFinishedJobInsteadOfRunningAgain() {
        String run = UUID.randomUUID().toString();
        ApiClient.Response first = api.submit(
                "{\"type\":\"demo.echo\",\"payload\":{\"run\":\"" + run + "\",\"list\":[1,{\"b\":2,\"a\":1}]}}");
        awaitState(api, first.id(), "succeeded");

        // The same payload with its members in another order and other spacing: the same canonical JSON.
        ApiClient.Response again = api.submit("{\"payload\": {\"list\": [1, {\"a\": 1, \"b\": 2}], \"run\": \"" + run
                + "\"}, \"type\": \"demo.echo\"}");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("X-Cache")).contains("MISS");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("X-Cache")).contains("HIT");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.header("Location")).contains("/v1/jobs/" + first.id());
        assertThat(again.state()).isEqualTo("succeeded");
        assertThat(again.json().path("result").path("run").asText()).isEqualTo(run);
    }

    @Test
    void differentPayloadIsAMissAndRunsAsANewJob() {
        ApiClient.Response first = api.submit(uniqueEcho(""));
        awaitState(api, first.id(), "succeeded");

        ApiClient.Response other = api.submit(uniqueEcho(""));

        assertThat(other.status()).isEqualTo(202);
        assertThat(other.header("X-Cache")).contains("MISS");
        assertThat(other.id()).isNotEqualTo(first.id());
    }

    @Test
    void anotherTenantsIdenticalSubmissionIsAMiss() {
        String body = uniqueEcho("");
        ApiClient.Response mine = api.submit(body);
        awaitState(api, mine.id(), "succeeded");
        ApiClient tenantB = api.withKey(KEY_B);

        ApiClient.Response theirs = tenantB.submit(body);

        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.header("X-Cache")).contains("MISS");
        assertThat(theirs.id()).isNotEqualTo(mine.id());
        awaitState(tenantB, theirs.id(), "succeeded");
        assertThat(tenantB.submit(body).id()).isEqualTo(theirs.id());
        assertThat(api.submit(body).id()).isEqualTo(mine.id());
    }

    @Test
    void unfinishedEarlierJobIsAMiss() {
        String body = "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":3000,\"run\":\"" + UUID.randomUUID() + "\"}}";
        ApiClient.Response first = api.submit(body);

        ApiClient.Response second = api.submit(body);

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("X-Cache")).contains("MISS");
        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void noCacheOrAnIdempotencyKeyRunsTheJobAgain() {
        String body = uniqueEcho("");
        ApiClient.Response first = api.submit(body);
        awaitState(api, first.id(), "succeeded");

        ApiClient.Response noCache = api.submit(body, "Cache-Control", "no-cache");
        ApiClient.Response keyed = api.submit(body, "Idempotency-Key", "\"" + UUID.randomUUID() + "\"");

        assertThat(noCache.status()).isEqualTo(202);
        assertThat(noCache.header("X-Cache")).contains("MISS");
        assertThat(noCache.id()).isNotEqualTo(first.id());
        assertThat(keyed.status()).isEqualTo(202);
        assertThat(keyed.id()).isNotEqualTo(first.id());
    }

    @Test
    void typeThatIsNotCacheableCarriesNoXCache() {
        ApiClient.Response submitted = api.submit("{\"type\":\"demo.fail\",\"payload\":{}}");

        assertThat(submitted.status()).isEqualTo(202);
        assertThat(submitted.header("X-Cache")).isEmpty();
    }

    @Test
    void unfinishedJobIsNoCacheAndFinishedResultIsImmutableWithAnETagAnswering304() {
        ApiClient.Response submitted = api.submit(uniqueEcho(""));
        ApiClient.Response unfinished = api.get("/v1/jobs/" + submitted.id());
        String path = "/v1/jobs/" + submitted.id();
        awaitState(api, submitted.id(), "succeeded");

        ApiClient.Response result = api.get(path + "/result");
        String etag = result.header("ETag").orElseThrow();
        ApiClient.Response notModified = api.get(path + "/result", "If-None-Match", etag);
        ApiClient.Response weakListed = api.get(path + "/result", "If-None-Match", "\"other\", W/" + etag);
        ApiClient.Response document = api.get(path);
        ApiClient.Response documentNotModified =
                api.get(path, "If-None-Match", document.header("ETag").orElseThrow());

        if (!unfinished.state().equals("succeeded")) {
            assertThat(unfinished.header("Cache-Control")).contains("no-cache");
        }
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.header("Cache-Control").orElseThrow()).matches("private, max-age=[1-9][0-9]*, immutable");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.bytes()).isEmpty();
        assertThat(notModified.header("ETag")).contains(etag);
        assertThat(notModified.header("Cache-Control")).isEqualTo(result.header("Cache-Control"));
        assertThat(weakListed.status()).isEqualTo(304);
        assertThat(documentNotModified.status()).isEqualTo(304);
    }

    @Test
    void queuedJobDocumentIsNoCache() {
        ApiClient.Response submitted = api.submit(
                "{\"type\":\"demo.echo\",\"queue\":\"parked\",\"payload\":{\"run\":\"" + UUID.randomUUID() + "\"}}");

        ApiClient.Response document = api.get("/v1/jobs/" + submitted.id());

        assertThat(submitted.header("Cache-Control")).contains("no-cache");
        assertThat(document.state()).isEqualTo("queued");
        assertThat(document.header("Cache-Control")).contains("no-cache");
        assertThat(document.header("ETag")).isPresent();
    }

    private static JsonNode awaitState(ApiClient client, String id, String state) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = client.get("/v1/jobs/" + id).json();
                    return last[0].path("state").asText().equals(state);
                });
        return last[0];
    }
}
