package dev.offload.config;

import java.util.List;

/** The configuration is invalid; the message lists every violation, one per line, each naming its key. */
public final class ConfigException extends RuntimeException {
    private final List<String> violations;

    public ConfigException(List<String> violations) {
        super("invalid configuration:\n  - " + String.join("\n  - ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
