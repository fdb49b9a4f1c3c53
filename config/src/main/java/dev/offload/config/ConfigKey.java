package dev.offload.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key, declared once with its type, default, accepted values and documentation; the reference page
 * {@code docs/configuration.md} is generated from these declarations. Immutable and thread-safe.
 *
 * @param name the dotted key as written in {@code offload.yaml}, e.g. {@code store.redis.uri}
 * @param group the section of the reference page the key belongs to
 * @param importance how often users need the key: the reference lists essentials first
 * @param doc one or two sentences for the reference page
 * @param defaultValue the value when the key is not set, or {@code null} if the key has no default
 * @param accepted a human description of the accepted values, used in error messages
 * @param parser turns the raw text into a value, throwing {@link IllegalArgumentException} with the reason
 * @param <T> the value type
 */
public record ConfigKey<T>(
        String name,
        String group,
        Importance importance,
        String doc,
        T defaultValue,
        String accepted,
        Function<String, T> parser) {

    /** How often a key matters, as HikariCP groups its reference. */
    public enum Importance {
        ESSENTIAL,
        COMMON,
        RARE
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(importance, "importance");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(parser, "parser");
    }

    /** The environment variable that overrides this key: {@code OFFLOAD_} and the key in upper snake case. */
    public String environmentVariable() {
        StringBuilder env = new StringBuilder("OFFLOAD_");
        for (char c : name.toCharArray()) {
            if (c == '.' || c == '-') {
                env.append('_');
            } else if (Character.isUpperCase(c)) {
                env.append('_').append(c);
            } else {
                env.append(Character.toUpperCase(c));
            }
        }
        return env.toString();
    }

    /** Placeholder for a name chosen by the user in a templated key, e.g. {@code routes.<name>.path}. */
    public static final String NAME_PLACEHOLDER = "<name>";

    /**
     * This templated key (its name contains {@value #NAME_PLACEHOLDER}) for one user-chosen name: {@code
     * routes.<name>.path} for {@code reports} is {@code routes.reports.path}, with the same type, default and doc.
     */
    public ConfigKey<T> forName(String chosen) {
        if (!name.contains(NAME_PLACEHOLDER)) {
            throw new IllegalStateException(name + " is not a templated key");
        }
        return new ConfigKey<>(
                name.replace(NAME_PLACEHOLDER, chosen), group, importance, doc, defaultValue, accepted, parser);
    }

    /** The default as written in the reference page. */
    public String defaultText() {
        if (defaultValue == null) {
            return "(none)";
        }
        if (defaultValue instanceof Duration d) {
            return formatDuration(d);
        }
        if (defaultValue instanceof List<?> list) {
            return String.join(
                    ",",
                    list.stream()
                            .map(v -> v instanceof Duration d ? formatDuration(d) : String.valueOf(v))
                            .toList());
        }
        if (defaultValue instanceof Map<?, ?> map) {
            return map.isEmpty() ? "(empty)" : map.toString();
        }
        return String.valueOf(defaultValue);
    }

    // ---- factories -----------------------------------------------------------------------------------------------

    /** Starts a key declaration in a group of the reference page. */
    public static Builder in(String group, String name) {
        return new Builder(group, name);
    }

    /** The fluent half of a declaration: name and group are given, the type chooses the parser. */
    public static final class Builder {
        private final String group;
        private final String name;
        private Importance importance = Importance.COMMON;
        private String doc = "";

        private Builder(String group, String name) {
            this.group = group;
            this.name = name;
        }

        public Builder essential() {
            importance = Importance.ESSENTIAL;
            return this;
        }

        public Builder rare() {
            importance = Importance.RARE;
            return this;
        }

        public Builder doc(String text) {
            doc = text;
            return this;
        }

        public ConfigKey<String> string(String defaultValue) {
            return new ConfigKey<>(name, group, importance, doc, defaultValue, "a string", s -> s);
        }

        public ConfigKey<Integer> integer(Integer defaultValue, int min, int max) {
            String accepted = "an integer from " + min + " to " + max;
            return new ConfigKey<>(name, group, importance, doc, defaultValue, accepted, s -> {
                int value;
                try {
                    value = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an integer");
                }
                if (value < min || value > max) {
                    throw new IllegalArgumentException("out of range");
                }
                return value;
            });
        }

        public ConfigKey<Long> bytes(Long defaultValue, long min, long max) {
            String accepted = "a size in bytes from " + min + " to " + max + " (suffixes KiB, MiB allowed)";
            return new ConfigKey<>(name, group, importance, doc, defaultValue, accepted, s -> {
                long value = parseBytes(s.trim());
                if (value < min || value > max) {
                    throw new IllegalArgumentException("out of range");
                }
                return value;
            });
        }

        public ConfigKey<Boolean> bool(Boolean defaultValue) {
            return new ConfigKey<>(name, group, importance, doc, defaultValue, "true or false", s -> {
                String v = s.trim().toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException("not a boolean");
                }
                return Boolean.parseBoolean(v);
            });
        }

        public ConfigKey<Duration> duration(Duration defaultValue, Duration min, Duration max) {
            String accepted = "a duration from " + formatDuration(min) + " to " + formatDuration(max)
                    + " such as 500ms, 30s, 5m, 2h, 7d or ISO-8601 PT30S";
            return new ConfigKey<>(name, group, importance, doc, defaultValue, accepted, s -> {
                Duration value = parseDuration(s.trim());
                if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                    throw new IllegalArgumentException("out of range");
                }
                return value;
            });
        }

        public ConfigKey<String> oneOf(String defaultValue, String... values) {
            List<String> allowed = Arrays.asList(values);
            String accepted = "one of " + String.join(", ", allowed);
            return new ConfigKey<>(name, group, importance, doc, defaultValue, accepted, s -> {
                String v = s.trim();
                if (!allowed.contains(v)) {
                    throw new IllegalArgumentException("not an accepted value");
                }
                return v;
            });
        }

        public ConfigKey<List<String>> list(List<String> defaultValue) {
            return new ConfigKey<>(
                    name,
                    group,
                    importance,
                    doc,
                    defaultValue,
                    "a comma-separated list",
                    s -> Arrays.stream(s.split(","))
                            .map(String::trim)
                            .filter(v -> !v.isEmpty())
                            .toList());
        }

        /** A comma-separated list of durations, each at most {@code max}, e.g. {@code 0s,5s,5m,30m}. */
        public ConfigKey<List<Duration>> durations(List<Duration> defaultValue, Duration max) {
            String accepted =
                    "a comma-separated list of durations from 0s to " + formatDuration(max) + " such as 0s,5s,5m,2h";
            return new ConfigKey<>(name, group, importance, doc, defaultValue, accepted, s -> {
                List<Duration> values = Arrays.stream(s.split(","))
                        .map(String::trim)
                        .filter(v -> !v.isEmpty())
                        .map(ConfigKey::parseDuration)
                        .toList();
                if (values.isEmpty()) {
                    throw new IllegalArgumentException("empty");
                }
                if (values.stream().anyMatch(d -> d.isNegative() || d.compareTo(max) > 0)) {
                    throw new IllegalArgumentException("out of range");
                }
                return values;
            });
        }

        /** A map written in YAML as a mapping, or in an environment variable as {@code k1=v1,k2=v2}. */
        public ConfigKey<Map<String, String>> map(Map<String, String> defaultValue) {
            return new ConfigKey<>(
                    name,
                    group,
                    importance,
                    doc,
                    defaultValue,
                    "a mapping, or k1=v1,k2=v2 in an environment variable",
                    Builder::parseMap);
        }

        private static Map<String, String> parseMap(String text) {
            Map<String, String> map = new LinkedHashMap<>();
            for (String entry : text.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("entry '" + entry.trim() + "' is not key=value");
                }
                map.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
            return Map.copyOf(map);
        }
    }

    // ---- parsing helpers ---------------------------------------------------------------------------------------

    static Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration");
            }
        }
        int split = 0;
        while (split < text.length() && (Character.isDigit(text.charAt(split)))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        long amount = Long.parseLong(text.substring(0, split));
        return switch (text.substring(split).trim()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s", "" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown duration unit");
        };
    }

    /** {@code d} as a configuration value would spell it (e.g. {@code 5s}, {@code 250ms}). */
    public static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 86_400_000 == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    static long parseBytes(String text) {
        String t = text.replace(" ", "");
        long factor = 1;
        if (t.endsWith("KiB")) {
            factor = 1024;
            t = t.substring(0, t.length() - 3);
        } else if (t.endsWith("MiB")) {
            factor = 1024 * 1024;
            t = t.substring(0, t.length() - 3);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size");
        }
    }
}
