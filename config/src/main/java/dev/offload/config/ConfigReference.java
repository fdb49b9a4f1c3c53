package dev.offload.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the configuration reference page ({@code docs/configuration.md}) from the declared keys. */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdown(Collection<ConfigKey<?>> keys) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append(
                        "<!-- Generated from the declared configuration keys by ConfigReference; do not edit by hand."
                                + " A test fails when this page is stale: regenerate with"
                                + " `java -jar standalone/target/offload.jar config-reference > docs/configuration.md`. -->\n\n")
                .append("Offload reads `offload.yaml` (or the file given with `--config`); every key can be overridden")
                .append(" by an environment variable, and command-line flags override both. Invalid values stop")
                .append(" start-up with a message that names every offending key.\n\n")
                .append("Durations take a unit: `500ms`, `30s`, `5m`, `2h`, `7d` (or ISO-8601 such as `PT30S`).\n");
        Map<String, List<ConfigKey<?>>> groups = new LinkedHashMap<>();
        keys.forEach(
                k -> groups.computeIfAbsent(k.group(), g -> new ArrayList<>()).add(k));
        groups.forEach((group, members) -> {
            md.append("\n## ").append(group).append("\n\n");
            md.append("| key | environment variable | default | accepted | description |\n");
            md.append("|---|---|---|---|---|\n");
            members.stream()
                    .sorted(Comparator.comparing((ConfigKey<?> k) -> k.importance())
                            .thenComparing(ConfigKey::name))
                    .forEach(k -> md.append("| `")
                            .append(k.name())
                            .append("`")
                            .append(k.importance() == ConfigKey.Importance.ESSENTIAL ? " (essential)" : "")
                            .append(" | `")
                            .append(k.environmentVariable())
                            .append("` | ")
                            .append(escape(k.defaultText()))
                            .append(" | ")
                            .append(escape(k.accepted()))
                            .append(" | ")
                            .append(escape(k.doc()))
                            .append(" |\n"));
        });
        return md.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
