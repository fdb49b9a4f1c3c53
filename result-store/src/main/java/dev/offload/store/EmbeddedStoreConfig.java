package dev.offload.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of the embedded, file-backed store of standalone mode. Immutable.
 *
 * @param dataDir the directory that holds {@code jobs.mv.db}; created if missing (standalone passes its
 *     {@code --data-dir})
 */
public record EmbeddedStoreConfig(Path dataDir) {
    public EmbeddedStoreConfig {
        Objects.requireNonNull(dataDir, "dataDir (--data-dir)");
    }
}
