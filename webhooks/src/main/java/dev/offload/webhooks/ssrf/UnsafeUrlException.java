package dev.offload.webhooks.ssrf;

/** A webhook URL that may not be called; the message says why and what to do, and never contains a secret. */
public final class UnsafeUrlException extends RuntimeException {
    public UnsafeUrlException(String message) {
        super(message, null, false, false);
    }
}
