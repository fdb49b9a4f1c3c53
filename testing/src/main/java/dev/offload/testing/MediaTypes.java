package dev.offload.testing;

import java.util.List;
import java.util.Locale;

/** Media-type matching for {@link OpenApiValidator}: exact, then {@code type/*}, then {@code *}{@code /*}. */
final class MediaTypes {
    private MediaTypes() {}

    /** The type/subtype of a Content-Type value in lower case, without parameters; empty for {@code null}. */
    static String essence(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return essence.trim().toLowerCase(Locale.ROOT);
    }

    /** The declared media range that best covers {@code mediaType}, or {@code null} if none does. */
    static String bestMatch(String mediaType, List<String> declared) {
        if (mediaType.isEmpty()) {
            return null;
        }
        String range = mediaType.substring(0, mediaType.indexOf('/') + 1) + "*";
        for (String candidate : List.of(mediaType, range, "*/*")) {
            for (String d : declared) {
                if (essence(d).equals(candidate)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** {@code application/json} or any {@code +json} type such as {@code application/problem+json}. */
    static boolean isJson(String mediaType) {
        String essence = essence(mediaType);
        return essence.equals("application/json") || essence.endsWith("+json");
    }
}
