package dev.offload.gateway.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's path pattern: literal segments, {@code {param}} (one segment, captured), {@code *} (one segment) and a
 * final {@code **} (any rest, including nothing). {@code /api/reports/**} matches {@code /api/reports} and everything
 * below it; {@code /api/users/{id}} matches {@code /api/users/42}. Immutable and thread-safe.
 */
public final class PathPattern implements Comparable<PathPattern> {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@%-]+");

    private final String text;
    private final Pattern regex;
    private final List<String> params;
    private final int literalSegments;
    private final boolean open;

    private PathPattern(String text, Pattern regex, List<String> params, int literalSegments, boolean open) {
        this.text = text;
        this.regex = regex;
        this.params = params;
        this.literalSegments = literalSegments;
        this.open = open;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static PathPattern compile(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("must start with '/'");
        }
        String[] segments = text.substring(1).split("/", -1);
        StringBuilder regex = new StringBuilder();
        List<String> params = new ArrayList<>();
        int literals = 0;
        boolean open = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals("**")) {
                if (!last) {
                    throw new IllegalArgumentException("'**' may only be the last segment");
                }
                regex.append("(?:/.*)?");
                open = true;
                continue;
            }
            regex.append('/');
            Matcher param = PARAM.matcher(segment);
            if (param.matches()) {
                if (params.contains(param.group(1))) {
                    throw new IllegalArgumentException("parameter {" + param.group(1) + "} appears twice");
                }
                params.add(param.group(1));
                regex.append("([^/]+)");
            } else if (segment.equals("*")) {
                regex.append("[^/]+");
            } else if (segment.isEmpty() && last) {
                // a trailing slash is literal: /api/ differs from /api
            } else if (LITERAL.matcher(segment).matches()) {
                regex.append(Pattern.quote(segment));
                literals++;
            } else {
                throw new IllegalArgumentException(
                        "segment '" + segment + "' is not a literal, {param}, * or a final **");
            }
        }
        return new PathPattern(text, Pattern.compile(regex.toString()), List.copyOf(params), literals, open);
    }

    /** The path parameters if {@code path} matches, else empty. */
    public Optional<Map<String, String>> match(String path) {
        Matcher m = regex.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            values.put(params.get(i), m.group(i + 1));
        }
        return Optional.of(values);
    }

    /** The most specific pattern first: more literal segments, then closed before open ({@code **}). */
    @Override
    public int compareTo(PathPattern other) {
        if (literalSegments != other.literalSegments) {
            return Integer.compare(other.literalSegments, literalSegments);
        }
        return Boolean.compare(open, other.open);
    }

    @Override
    public String toString() {
        return text;
    }
}
