package dev.offload.store.embedded;

import dev.offload.store.EmbeddedStoreConfig;
import dev.offload.store.JobStore;
import dev.offload.store.WebhookOutboxSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;

/** Opens the embedded store; use {@link dev.offload.store.JobStores#embedded} instead. Thread-safe. */
public final class EmbeddedStoreFactory {
    /** How often expired jobs and idempotency keys are deleted; reads ignore them in between. */
    static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);

    private EmbeddedStoreFactory() {}

    public static JobStore open(EmbeddedStoreConfig config) {
        return open(config, WebhookOutboxSink.NONE);
    }

    public static JobStore open(EmbeddedStoreConfig config, WebhookOutboxSink webhooks) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        return new EmbeddedJobStore(config.dataDir(), Clock.systemUTC(), CLEANUP_INTERVAL, webhooks);
    }
}
