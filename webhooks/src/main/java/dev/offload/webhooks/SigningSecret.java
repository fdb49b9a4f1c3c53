package dev.offload.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One secret of an endpoint as stored: its text and, once rotated away, when it stops signing.
 *
 * @param secret the {@code whsec_…} text
 * @param expiresAt when it stops signing, or {@code null} while it is the current secret
 */
public record SigningSecret(String secret, Instant expiresAt) {
    public SigningSecret {
        Objects.requireNonNull(secret, "secret");
    }

    /** The secrets that sign at {@code now}: the current one and those still in their rotation grace. */
    public static List<WebhookSecret> active(List<SigningSecret> secrets, Instant now) {
        return secrets.stream()
                .filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now))
                .map(s -> WebhookSecret.parse(s.secret()))
                .toList();
    }

    /**
     * {@code secrets} after a rotation at {@code now}: the new secret first, the current one signing on until
     * {@code graceEnd}, expired ones dropped.
     */
    public static List<SigningSecret> rotate(
            List<SigningSecret> secrets, WebhookSecret next, Instant now, Instant graceEnd) {
        java.util.ArrayList<SigningSecret> all = new java.util.ArrayList<>();
        all.add(new SigningSecret(next.reveal(), null));
        for (SigningSecret s : secrets) {
            if (s.expiresAt() == null) {
                all.add(new SigningSecret(s.secret(), graceEnd));
            } else if (s.expiresAt().isAfter(now)) {
                all.add(s);
            }
        }
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "SigningSecret[redacted, expiresAt=" + expiresAt + "]";
    }
}
