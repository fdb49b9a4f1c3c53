package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.offload.standalone.WebhookReceiver.Received;
import dev.offload.standalone.WebhookReceiver.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhooks end to end: a real gateway, worker and dispatcher over Redis and Kafka, delivering to real HTTP receivers
 * started by the tests (reachable because the cluster allowlists 127.0.0.1). Every API response is validated against
 * openapi.yaml; every delivery's signature is verified with the Standard Webhooks reference library.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private TestCluster cluster;
    private ApiClient api;
    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @BeforeAll
    void start() {
        cluster = new TestCluster();
        api = cluster.startGateway();
        cluster.startWorker();
        cluster.startDispatcher();
    }

    @AfterEach
    void deleteEndpointsAndReceivers() {
        for (String key : List.of(TestCluster.KEY_A, TestCluster.KEY_B)) {
            ApiClient client = api.withKey(key);
            for (JsonNode endpoint : client.get("/v1/webhooks").json().path("items")) {
                client.delete("/v1/webhooks/" + endpoint.path("id").asText());
            }
        }
        receivers.forEach(WebhookReceiver::close);
        receivers.clear();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void aFinishedJobIsDeliveredSignedWithTheJobDocumentAndATraceparent() throws Exception {
        WebhookReceiver receiver = receiver(n -> Reply.status(200));
        JsonNode endpoint = register(api, receiver.url("/hooks"), "job.succeeded");
        String secret = endpoint.path("secret").asText();

        String jobId =
                api.submit("{\"type\":\"demo.echo\",\"payload\":{\"n\":1}}").id();

        Received delivery = awaitDeliveries(receiver, 1).get(0);
        new Webhook(secret).verify(delivery.body(), delivery.headersForVerification());
        JsonNode body = delivery.json();
        assertThat(body.path("type").asText()).isEqualTo("job.succeeded");
        assertThat(body.path("data").path("id").asText()).isEqualTo(jobId);
        assertThat(body.path("data").path("state").asText()).isEqualTo("succeeded");
        assertThat(body.path("data").path("result").path("n").asInt()).isEqualTo(1);
        assertThat(delivery.header("webhook-id")).startsWith("msg_");
        assertThat(delivery.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(endpoint.has("secret")).isTrue();
        assertThat(api.get("/v1/webhooks/" + endpoint.path("id").asText())
                        .json()
                        .has("secret"))
                .isFalse();
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(api.get("/v1/jobs/" + jobId + "/deliveries")
                                .json()
                                .path("items"))
                        .anySatisfy(d -> {
                            assertThat(d.path("status").asText()).isEqualTo("delivered");
                            assertThat(d.path("attempts")
                                            .path(0)
                                            .path("statusCode")
                                            .asInt())
                                    .isEqualTo(200);
                        }));
    }

    @Test
    void afterARotationBothSecretsSignAndTheReferenceLibraryAcceptsEither() throws Exception {
        WebhookReceiver receiver = receiver(n -> Reply.status(204));
        JsonNode endpoint = register(api, receiver.url("/rotated"), "job.succeeded");
        String id = endpoint.path("id").asText();
        String oldSecret = endpoint.path("secret").asText();

        ApiClient.Response rotated = api.send("POST", "/v1/webhooks/" + id + "/rotate-secret", null, null);
        ApiClient.Response test = api.send("POST", "/v1/webhooks/" + id + "/test", null, null);

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(test.status()).isEqualTo(202);
        String newSecret = rotated.json().path("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        Received delivery = awaitDeliveries(receiver, 1).get(0);
        assertThat(delivery.json().path("type").asText()).isEqualTo("webhook.test");
        assertThat(delivery.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(oldSecret).verify(delivery.body(), delivery.headersForVerification());
        new Webhook(newSecret).verify(delivery.body(), delivery.headersForVerification());
    }

    @Test
    void aReceiverDownForSeveralAttemptsGetsTheEventOnceBackWithTheSameWebhookId() {
        WebhookReceiver receiver = receiver(n -> n <= 3 ? Reply.status(503) : Reply.status(200));
        String endpointId = register(api, receiver.url("/flaky"), "job.succeeded")
                .path("id")
                .asText();

        api.submit("{\"type\":\"demo.echo\",\"payload\":{}}");

        List<Received> attempts = awaitDeliveries(receiver, 4);
        assertThat(attempts)
                .extracting(r -> r.header("webhook-id"))
                .containsOnly(attempts.get(0).header("webhook-id"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode delivery = api.get("/v1/webhooks/" + endpointId + "/deliveries")
                    .json()
                    .path("items")
                    .path(0);
            assertThat(delivery.path("status").asText()).isEqualTo("delivered");
            assertThat(delivery.path("attempts")).hasSize(4);
            assertThat(delivery.path("attempts").path(0).path("statusCode").asInt())
                    .isEqualTo(503);
            assertThat(delivery.path("attempts").path(3).path("statusCode").asInt())
                    .isEqualTo(200);
        });
    }

    @Test
    void retryAfterFromTheReceiverIsHonoured() {
        WebhookReceiver receiver =
                receiver(n -> n == 1 ? new Reply(429, 0, Map.of("Retry-After", "3")) : Reply.status(200));
        String endpointId =
                register(api, receiver.url("/busy"), "job.succeeded").path("id").asText();

        api.submit("{\"type\":\"demo.echo\",\"payload\":{}}");

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode delivery = api.get("/v1/webhooks/" + endpointId + "/deliveries")
                    .json()
                    .path("items")
                    .path(0);
            assertThat(delivery.path("status").asText()).isEqualTo("delivered");
            JsonNode first = delivery.path("attempts").path(0);
            JsonNode second = delivery.path("attempts").path(1);
            // The compressed schedule would retry after 200 ms; the receiver asked for 3 s.
            assertThat(java.time.Instant.parse(second.path("at").asText()))
                    .isAfterOrEqualTo(
                            java.time.Instant.parse(first.path("at").asText()).plusSeconds(3));
        });
    }

    @Test
    void goneDisablesTheEndpointAndNothingIsSentToItAfterwards() {
        WebhookReceiver receiver = receiver(n -> Reply.status(410));
        String endpointId =
                register(api, receiver.url("/gone"), "job.succeeded").path("id").asText();

        api.submit("{\"type\":\"demo.echo\",\"payload\":{}}");

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode endpoint = api.get("/v1/webhooks/" + endpointId).json();
            assertThat(endpoint.path("disabled").asBoolean()).isTrue();
            assertThat(endpoint.path("disabledReason").asText()).contains("410");
        });
        int before = receiver.received().size();
        api.send("POST", "/v1/webhooks/" + endpointId + "/test", null, null);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(api.get("/v1/webhooks/" + endpointId + "/deliveries")
                                .json()
                                .path("items"))
                        .anySatisfy(d -> {
                            assertThat(d.path("type").asText()).isEqualTo("webhook.test");
                            assertThat(d.path("status").asText()).isEqualTo("failed");
                            assertThat(d.path("attempts").path(0).path("error").asText())
                                    .contains("disabled");
                        }));
        assertThat(receiver.received()).hasSize(before);
    }

    @Test
    void aSlowReceiverDoesNotHoldUpAHealthyOne() {
        WebhookReceiver slow = receiver(n -> new Reply(200, 30_000, Map.of())); // beyond the 2 s request timeout
        WebhookReceiver healthy = receiver(n -> Reply.status(200));
        String slowId =
                register(api, slow.url("/slow"), "job.succeeded").path("id").asText();
        register(api, healthy.url("/healthy"), "job.succeeded");

        for (int i = 0; i < 20; i++) {
            api.submit("{\"type\":\"demo.echo\",\"payload\":{}}");
        }

        awaitDeliveries(healthy, 20);
        // When the healthy receiver has everything, the slow one is still working through its share.
        long pendingAtSlow = StreamSupport.stream(
                        api.get("/v1/webhooks/" + slowId + "/deliveries")
                                .json()
                                .path("items")
                                .spliterator(),
                        false)
                .filter(d -> d.path("status").asText().equals("pending"))
                .count();
        assertThat(pendingAtSlow).isPositive();
    }

    @Test
    void aRedirectTowardAPrivateAddressIsNotFollowedAndRecordedAsAFailedAttempt() {
        WebhookReceiver receiver =
                receiver(n -> new Reply(302, 0, Map.of("Location", "http://169.254.169.254/latest/meta-data/")));
        String endpointId = register(api, receiver.url("/redirect"), "job.succeeded")
                .path("id")
                .asText();

        api.submit("{\"type\":\"demo.echo\",\"payload\":{}}");

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode attempt = api.get("/v1/webhooks/" + endpointId + "/deliveries")
                    .json()
                    .path("items")
                    .path(0)
                    .path("attempts")
                    .path(0);
            assertThat(attempt.path("statusCode").asInt()).isEqualTo(302);
            assertThat(attempt.path("error").asText()).contains("not followed");
        });
    }

    @Test
    void anotherTenantsEndpointIsNotFound() {
        WebhookReceiver receiver = receiver(n -> Reply.status(200));
        String endpointId =
                register(api, receiver.url("/mine"), "job.succeeded").path("id").asText();
        ApiClient other = api.withKey(TestCluster.KEY_B);

        assertThat(other.get("/v1/webhooks/" + endpointId).status()).isEqualTo(404);
        assertThat(other.delete("/v1/webhooks/" + endpointId).status()).isEqualTo(404);
        assertThat(other.send("POST", "/v1/webhooks/" + endpointId + "/rotate-secret", null, null)
                        .status())
                .isEqualTo(404);
        assertThat(other.get("/v1/webhooks").json().path("items")).isEmpty();
        assertThat(api.get("/v1/webhooks/" + endpointId).status()).isEqualTo(200);
    }

    @Test
    void badRegistrationsGetProblemsNamingTheField() {
        ApiClient.Response noEvents =
                api.send("POST", "/v1/webhooks", "{\"url\":\"https://example.com/\"}", "application/json");
        ApiClient.Response unknownEvent = api.send(
                "POST",
                "/v1/webhooks",
                "{\"url\":\"https://example.com/\",\"events\":[\"job.exploded\"]}",
                "application/json");

        assertThat(noEvents.status()).isEqualTo(400);
        assertThat(noEvents.header("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(unknownEvent.status()).isEqualTo(400);
        assertThat(unknownEvent.json().path("errors"))
                .as(unknownEvent.toString())
                .anySatisfy(e -> assertThat(e.path("pointer").asText()).startsWith("/events"));
    }

    @Test
    void aManualRetryRedeliversWithTheSameWebhookId() {
        WebhookReceiver receiver = receiver(n -> n == 1 ? Reply.status(400) : Reply.status(200));
        String endpointId = register(api, receiver.url("/manual"), "job.succeeded")
                .path("id")
                .asText();
        api.send("POST", "/v1/webhooks/" + endpointId + "/test", null, null);
        awaitDeliveries(receiver, 2); // 400 is retried on the schedule like any failure
        String deliveryId = api.get("/v1/webhooks/" + endpointId + "/deliveries")
                .json()
                .path("items")
                .path(0)
                .path("id")
                .asText();

        ApiClient.Response retried =
                api.send("POST", "/v1/webhooks/" + endpointId + "/deliveries/" + deliveryId + "/retry", null, null);

        assertThat(retried.status()).isEqualTo(202);
        List<Received> all = awaitDeliveries(receiver, 3);
        assertThat(all)
                .extracting(r -> r.header("webhook-id"))
                .containsOnly(all.get(0).header("webhook-id"));
    }

    @Test
    void aThousandJobsWithCallbacksMakeAThousandDeliveriesNoneLost() throws Exception {
        WebhookReceiver receiver = receiver(n -> Reply.status(200));
        String callback = receiver.url("/callback");
        ExecutorService submitters = Executors.newFixedThreadPool(16);
        List<Future<String>> ids = new ArrayList<>();

        for (int i = 0; i < 1000; i++) {
            ids.add(submitters.submit(
                    () -> api.submit("{\"type\":\"demo.echo\",\"payload\":{},\"callbackUrl\":\"" + callback + "\"}")
                            .id()));
        }
        Set<String> submitted = new HashSet<>();
        for (Future<String> id : ids) {
            submitted.add(id.get());
        }
        submitters.shutdown();

        await().atMost(Duration.ofMinutes(4))
                .untilAsserted(() -> assertThat(receiver.received().stream()
                                .filter(r -> r.json().path("type").asText().equals("job.succeeded"))
                                .map(r -> r.json().path("data").path("id").asText())
                                .distinct()
                                .count())
                        .isEqualTo(1000));
        Map<String, Long> timesReceived = receiver.received().stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        r -> r.json().path("data").path("id").asText(), java.util.stream.Collectors.counting()));
        assertThat(timesReceived.keySet()).isEqualTo(submitted);
        // A job's event arrives twice only where an attempt failed (e.g. timed out on this busy machine) and was
        // retried.
        timesReceived.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .forEach(e -> assertThat(api.get("/v1/jobs/" + e.getKey() + "/deliveries")
                                .json()
                                .path("items"))
                        .as("deliveries of job %s, received %d times", e.getKey(), e.getValue())
                        .anySatisfy(d -> assertThat(d.path("attempts"))
                                .anySatisfy(a -> assertThat(a.has("error")).isTrue())));
    }

    private WebhookReceiver receiver(java.util.function.IntFunction<Reply> answer) {
        WebhookReceiver receiver = new WebhookReceiver(answer);
        receivers.add(receiver);
        return receiver;
    }

    private static JsonNode register(ApiClient client, String url, String... events) {
        String list = String.join("\",\"", events);
        ApiClient.Response created = client.send(
                "POST", "/v1/webhooks", "{\"url\":\"" + url + "\",\"events\":[\"" + list + "\"]}", "application/json");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    private static List<Received> awaitDeliveries(WebhookReceiver receiver, int count) {
        await().atMost(PATIENCE).until(() -> receiver.received().size() >= count);
        return receiver.received();
    }
}
