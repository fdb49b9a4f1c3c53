package dev.offload.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
    // The test vector of the Standard Webhooks specification and its reference libraries.
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final String SPEC_BODY = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsTestVector() {
        String signature =
                WebhookSigner.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(WebhookSecret.parse(SPEC_SECRET)));

        assertThat(signature).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void referenceLibraryVerifiesAGeneratedSecretsSignature() throws Exception {
        WebhookSecret secret = WebhookSecret.generate();
        long now = System.currentTimeMillis() / 1000;

        String signature = WebhookSigner.signature("msg_1", now, "{\"a\":1}", List.of(secret));

        new Webhook(secret.reveal()).verify("{\"a\":1}", headers("msg_1", now, signature));
    }

    @Test
    void duringARotationBothSecretsSignAndEachVerifiesAlone() throws Exception {
        WebhookSecret old = WebhookSecret.generate();
        WebhookSecret next = WebhookSecret.generate();
        long now = System.currentTimeMillis() / 1000;

        String signature = WebhookSigner.signature("msg_2", now, "{}", List.of(next, old));

        assertThat(signature.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        new Webhook(old.reveal()).verify("{}", headers("msg_2", now, signature));
        new Webhook(next.reveal()).verify("{}", headers("msg_2", now, signature));
    }

    @Test
    void secretsHaveThePrefixAndAKeyOf24To64BytesAndNeverPrintThemselves() {
        WebhookSecret secret = WebhookSecret.generate();

        assertThat(secret.reveal()).startsWith("whsec_");
        assertThat(secret.toString()).doesNotContain(secret.reveal().substring(6));
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_AAAA"))
                .hasMessageContaining("24 to 64 bytes")
                .hasMessageNotContaining("AAAA");
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of(
                "webhook-id", List.of(id),
                "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
