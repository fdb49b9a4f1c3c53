package dev.offload.gateway.http;

/**
 * {@code If-None-Match} evaluation (RFC 9110 §13.1.2): a list of entity tags or {@code *}, compared weakly (a
 * {@code W/} prefix on either side is ignored). Stateless.
 */
public final class EntityTags {
    private EntityTags() {}

    /** Whether {@code ifNoneMatch} (a header value, or {@code null}) names {@code etag}: then the answer is 304. */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String current = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || opaque(tag).equals(current)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        String trimmed = tag.trim();
        return trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed;
    }
}
