package dev.offload.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The raw configuration of one process: {@code offload.yaml}, then {@code OFFLOAD_*} environment variables, then
 * explicit overrides (command-line flags), later sources winning. Values are read through declared
 * {@link ConfigKey}s; every problem is collected, and {@link #validate(Collection)} reports them all at once, each
 * naming its key, so that one start-up attempt shows everything to fix.
 *
 * <p>Not thread-safe: build the configuration records at start-up on one thread, then share the records.
 */
public final class Settings {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, String> fileValues;
    private final Map<String, String> environment;
    private final Map<String, String> overrides;
    private final List<String> violations = new ArrayList<>();

    private Settings(Map<String, String> fileValues, Map<String, String> environment, Map<String, String> overrides) {
        this.fileValues = fileValues;
        this.environment = environment;
        this.overrides = overrides;
    }

    /**
     * Loads the sources.
     *
     * @param file the YAML file, or {@code null} for none
     * @param environment usually {@code System.getenv()}
     * @param overrides values given on the command line, by dotted key
     */
    public static Settings load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            try {
                JsonNode root = YAML.readTree(Files.readAllBytes(file));
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        problems.add(file + ": the top level must be a mapping of keys");
                    } else {
                        flatten("", root, values);
                    }
                }
            } catch (IOException e) {
                problems.add(file + ": cannot read the configuration file: " + e.getMessage());
            }
        }
        Settings settings = new Settings(values, Map.copyOf(environment), Map.copyOf(overrides));
        settings.violations.addAll(problems);
        return settings;
    }

    /** Settings with only explicit values, for tests and embedded use. */
    public static Settings of(Map<String, String> values) {
        return load(null, Map.of(), values);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.properties()
                    .forEach(e ->
                            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            into.put(prefix, String.join(",", items));
        } else if (!node.isNull()) {
            into.put(prefix, node.asText());
        }
    }

    /**
     * The value of {@code key}: the override, else the environment variable, else the file, else the default. An
     * unparseable value is recorded as a violation and the default returned, so reading can go on.
     */
    public <T> T get(ConfigKey<T> key) {
        Source raw = raw(key);
        if (raw == null) {
            return key.defaultValue();
        }
        try {
            return key.parser().apply(raw.text());
        } catch (IllegalArgumentException e) {
            violations.add(key.name() + " (" + raw.where() + "): '" + raw.text() + "' is " + reason(e) + "; expected "
                    + key.accepted());
            return key.defaultValue();
        }
    }

    /** Like {@link #get}, but a missing value is a violation. */
    public <T> T require(ConfigKey<T> key) {
        T value = get(key);
        if (value == null) {
            violations.add(key.name() + " is required; set it in offload.yaml or " + key.environmentVariable()
                    + "; expected " + key.accepted());
        }
        return value;
    }

    /** Records a violation found by cross-checking several keys; the message must name the keys. */
    public void reject(String message) {
        violations.add(message);
    }

    /**
     * Throws {@link ConfigException} listing every violation, including keys in the file that no component declared
     * (a typo would otherwise be silently ignored).
     */
    public void validate(Collection<ConfigKey<?>> declared) {
        Set<String> known = new TreeSet<>();
        declared.forEach(k -> known.add(k.name()));
        for (String name : fileValues.keySet()) {
            if (!known.contains(name) && known.stream().noneMatch(k -> name.startsWith(k + "."))) {
                violations.add(name + ": unknown configuration key; see docs/configuration.md for the keys");
            }
        }
        for (String name : overrides.keySet()) {
            if (!known.contains(name)) {
                violations.add(name + ": unknown configuration key");
            }
        }
        if (!violations.isEmpty()) {
            throw new ConfigException(List.copyOf(violations));
        }
    }

    private Source raw(ConfigKey<?> key) {
        if (overrides.containsKey(key.name())) {
            return new Source(overrides.get(key.name()), "command line");
        }
        String env = key.environmentVariable();
        if (environment.containsKey(env)) {
            return new Source(environment.get(env), "environment variable " + env);
        }
        if (fileValues.containsKey(key.name())) {
            return new Source(fileValues.get(key.name()), "offload.yaml");
        }
        // A mapping in the file, e.g. auth.apiKeys: {key: tenant}, flattened to auth.apiKeys.<key>.
        String prefix = key.name() + ".";
        List<String> entries = new ArrayList<>();
        fileValues.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                entries.add(k.substring(prefix.length()) + "=" + v);
            }
        });
        return entries.isEmpty() ? null : new Source(String.join(",", entries), "offload.yaml");
    }

    private static String reason(IllegalArgumentException e) {
        return e.getMessage() == null ? "invalid" : e.getMessage();
    }

    private record Source(String text, String where) {}
}
