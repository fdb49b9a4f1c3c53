package dev.offload.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF guard with no allowlist (plain http allowed, so that the addresses are what gets refused): registration
 * refuses internal targets with problem+json naming the field; a callback whose host only reveals itself as internal
 * once resolved is recorded as a failed delivery, and nothing reaches it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSsrfIT {
    private TestCluster cluster;
    private ApiClient api;

    @BeforeAll
    void start() {
        cluster = new TestCluster(values -> {
            values.put("webhooks.allowedNetworks", "");
            return values;
        });
        api = cluster.startGateway();
        cluster.startWorker();
        cluster.startDispatcher();
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/hook",
                "http://localhost:8080/hook",
                "http://[::1]/hook",
                "http://2130706433/hook",
                "http://[::ffff:127.0.0.1]/hook",
            })
    void internalTargetsAreRefusedAtRegistration(String url) {
        ApiClient.Response refused = register(url);

        assertRefused(refused, "/url");
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsRefusedAtRegistration() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                InetAddress.getByName(name).isLoopbackAddress(), "this machine's name resolves to loopback");

        assertRefused(register("http://" + name + ":8080/hook"), "/url");
    }

    @Test
    void anInternalCallbackUrlAsWrittenIsRefusedAtSubmission() {
        ApiClient.Response refused =
                api.submit("{\"type\":\"demo.echo\",\"payload\":{},\"callbackUrl\":\"http://169.254.169.254/\"}");

        assertRefused(refused, "/callbackUrl");
    }

    @Test
    void aCallbackThatResolvesToLoopbackIsRecordedAsAFailedDeliveryAndNotCalled() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String callback = "http://localhost:" + receiver.port() + "/callback";

            String id = api.submit("{\"type\":\"demo.echo\",\"payload\":{},\"callbackUrl\":\"" + callback + "\"}")
                    .id();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode delivery = api.get("/v1/jobs/" + id + "/deliveries")
                        .json()
                        .path("items")
                        .path(0);
                assertThat(delivery.path("status").asText()).isEqualTo("failed");
                assertThat(delivery.path("attempts").path(0).path("error").asText())
                        .contains("refused")
                        .contains("loopback");
            });
            assertThat(receiver.received()).isEmpty();
        }
    }

    private ApiClient.Response register(String url) {
        return api.send(
                "POST", "/v1/webhooks", "{\"url\":\"" + url + "\",\"events\":[\"job.succeeded\"]}", "application/json");
    }

    private static void assertRefused(ApiClient.Response response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asText()).endsWith("/webhook-url-refused");
        assertThat(problem.path("errors").path(0).path("pointer").asText()).isEqualTo(field);
    }
}
