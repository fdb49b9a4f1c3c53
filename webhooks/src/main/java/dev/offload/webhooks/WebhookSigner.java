package dev.offload.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs deliveries as Standard Webhooks prescribes: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one
 * signature per active secret, separated by spaces (during a rotation both the old and the new secret sign).
 * Stateless and thread-safe.
 */
public final class WebhookSigner {
    private WebhookSigner() {}

    /** The {@code webhook-signature} header value. */
    public static String signature(String messageId, long timestampSeconds, String body, List<WebhookSecret> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a delivery needs at least one secret to sign it");
        }
        byte[] content = (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        return secrets.stream().map(s -> "v1," + hmac(s.key(), content)).collect(Collectors.joining(" "));
    }

    private static String hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
