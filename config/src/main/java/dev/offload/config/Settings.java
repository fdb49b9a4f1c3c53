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

    /**
     * The names used under {@code prefix} in the file and in command-line overrides, in file order: for {@code
     * routes} and a file with {@code routes.reports.path} and {@code routes.users.path}, {@code [reports, users]}.
     * Templated keys ({@link ConfigKey#forName}) are read for each of them. Environment variables cannot introduce a
     * name (their spelling loses the dots), only override keys of names the file or the overrides declare.
     */
    public Set<String> namesUnder(String prefix) {
        Set<String> names = new java.util.LinkedHashSet<>();
        String start = prefix + ".";
        for (String key : fileAndOverrideKeys()) {
            if (key.startsWith(start)) {
                String rest = key.substring(start.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return names;
    }

    private List<String> fileAndOverrideKeys() {
        List<String> keys = new ArrayList<>(fileValues.keySet());
        keys.addAll(overrides.keySet());
        return keys;
    }

    /** How many violations were recorded so far; lets a reader tell whether its own keys were valid. */
    public int violationCount() {
        return violations.size();
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
        List<java.util.regex.Pattern> templates = new ArrayList<>();
        declared.forEach(k -> {
            known.add(k.name());
            if (k.name().contains(ConfigKey.NAME_PLACEHOLDER)) {
                templates.add(templatePattern(k.name()));
            }
        });
        for (String name : fileValues.keySet()) {
            if (!known.contains(name)
                    && known.stream().noneMatch(k -> name.startsWith(k + "."))
                    && !matchesTemplate(templates, name)) {
                violations.add(name + ": unknown configuration key; see docs/configuration.md for the keys");
            }
        }
        for (String name : overrides.keySet()) {
            if (!known.contains(name) && !matchesTemplate(templates, name)) {
                violations.add(name + ": unknown configuration key");
            }
        }
        if (!violations.isEmpty()) {
            throw new ConfigException(List.copyOf(violations));
        }
    }

    /** {@code routes.<name>.path} matches {@code routes.reports.path}: the placeholder stands for one segment. */
    private static java.util.regex.Pattern templatePattern(String template) {
        String[] parts = template.split(java.util.regex.Pattern.quote(ConfigKey.NAME_PLACEHOLDER), -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[^.]+");
            }
            regex.append(java.util.regex.Pattern.quote(parts[i]));
        }
        return java.util.regex.Pattern.compile(regex.toString());
    }

    private static boolean matchesTemplate(List<java.util.regex.Pattern> templates, String name) {
        return templates.stream().anyMatch(t -> t.matcher(name).matches());
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
