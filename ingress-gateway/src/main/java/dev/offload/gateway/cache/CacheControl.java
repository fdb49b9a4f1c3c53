package dev.offload.gateway.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The directives of {@code Cache-Control} header fields (RFC 9111 §5.2): names are case-insensitive, values may be
 * quoted, several fields combine. A malformed delta-seconds counts as absent, except that a malformed
 * {@code max-age}/{@code s-maxage} is treated as 0 (stale), as RFC 9111 §4.2.1 advises. Immutable.
 */
record CacheControl(Map<String, String> directives) {

    static CacheControl parse(List<String> fields) {
        Map<String, String> directives = new HashMap<>();
        for (String field : fields) {
            for (String part : field.split(",")) {
                String directive = part.trim();
                if (directive.isEmpty()) {
                    continue;
                }
                int eq = directive.indexOf('=');
                String name =
                        (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : unquote(directive.substring(eq + 1).trim());
                directives.putIfAbsent(name, value);
            }
        }
        return new CacheControl(Map.copyOf(directives));
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** The directive's delta-seconds; 0 when present but malformed; empty when absent. */
    OptionalLong seconds(String directive) {
        String value = directives.get(directive);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            return OptionalLong.of(0);
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
