package dev.offload.webhooks;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: {@code whsec_} followed by the base64 of 24 to 64 random bytes. The text form
 * is shown to the client once (at creation or rotation) and kept in the store; {@link #toString()} never shows it,
 * so a secret that ends up in a log line or an exception message stays secret.
 */
public final class WebhookSecret {
    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int GENERATED_BYTES = 32;

    private final String text;
    private final byte[] key;

    private WebhookSecret(String text, byte[] key) {
        this.text = text;
        this.key = key;
    }

    /** A new random secret of 32 bytes. */
    public static WebhookSecret generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key), key);
    }

    /**
     * Parses {@code whsec_<base64>}.
     *
     * @throws IllegalArgumentException if the text is not such a secret of 24 to 64 bytes (the message does not
     *     repeat the text)
     */
    public static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret must start with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret must be " + PREFIX + " followed by base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("a webhook secret must hold 24 to 64 bytes, but held " + key.length);
        }
        return new WebhookSecret(text, key);
    }

    /** The {@code whsec_…} text: for the client (once) and the store only. */
    public String reveal() {
        return text;
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "WebhookSecret[redacted]";
    }
}
