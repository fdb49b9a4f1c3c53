package dev.offload.gateway.jobs;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.ErrorCode;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Parsing of the request headers the job API honours. Stateless and thread-safe. */
final class RequestHeaders {
    /**
     * W3C trace context: version 00 exactly; a later version (not ff) may append fields after the flags, which a
     * version-00 receiver ignores while still continuing the trace.
     */
    private static final Pattern TRACEPARENT =
            Pattern.compile("(?:00|(?!ff)([0-9a-f]{2}))-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})((?:-.*)?)");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z:/-]{1,255}");
    private static final Pattern SF_STRING =
            Pattern.compile("\"((?:[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\"\\\\]){1,255})\"");
    private static final Pattern SF_ESCAPE = Pattern.compile("\\\\([\"\\\\])");
    private static final Pattern BWS_EQUALS = Pattern.compile("\\s*=\\s*");

    private RequestHeaders() {}

    /** Whether a Content-Type names JSON: {@code application/json} or a {@code +json} type, any parameters after it. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int end = contentType.indexOf(';');
        String mediaType = (end < 0 ? contentType : contentType.substring(0, end)).strip();
        return mediaType.equalsIgnoreCase("application/json")
                || mediaType.regionMatches(true, mediaType.length() - 5, "+json", 0, 5);
    }

    /**
     * The {@code Idempotency-Key}: an RFC 8941 string ({@code "abc"}) as the IETF draft specifies, or a bare token as
     * Stripe-style clients send. {@code null} when absent.
     */
    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        var quoted = SF_STRING.matcher(value);
        if (quoted.matches()) {
            return SF_ESCAPE.matcher(quoted.group(1)).replaceAll("$1");
        }
        if (TOKEN.matcher(value).matches()) {
            return value;
        }
        throw ApiException.of(
                ErrorCode.MALFORMED_REQUEST,
                "the Idempotency-Key header must be a quoted string or a token of 1 to 255 visible characters",
                List.of(FieldError.header("Idempotency-Key", "not a structured-field string or token")));
    }

    /**
     * The trace context to carry into the job: the client's {@code traceparent} when valid, else a new trace, so that
     * the worker always continues one trace per job.
     */
    static String traceparent(String header) {
        if (header != null) {
            var m = TRACEPARENT.matcher(header.trim());
            boolean laterVersion = m.matches() && m.group(1) != null;
            if (m.matches()
                    && (laterVersion || m.group(5).isEmpty())
                    && !m.group(2).matches("0+")
                    && !m.group(3).matches("0+")) {
                return laterVersion ? "00-" + m.group(2) + "-" + m.group(3) + "-" + m.group(4) : header.trim();
            }
        }
        // Trace ids must be unique, not secret (W3C Trace Context asks for randomness, not unpredictability): a
        // thread-local generator, as OpenTelemetry's SDK uses, instead of a SecureRandom's locked calls per request.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long traceHigh;
        long traceLow;
        long span;
        do {
            traceHigh = random.nextLong();
            traceLow = random.nextLong();
            span = random.nextLong();
        } while ((traceHigh == 0 && traceLow == 0) || span == 0); // all-zero ids are invalid
        HexFormat hex = HexFormat.of();
        return "00-" + hex.toHexDigits(traceHigh) + hex.toHexDigits(traceLow) + "-" + hex.toHexDigits(span) + "-01";
    }

    /** The RFC 7240 {@code Prefer} preferences the API honours. */
    record Preferences(Duration waitFor, boolean respondAsync) {
        static final Preferences NONE = new Preferences(null, false);
    }

    static Preferences prefer(List<String> headers) {
        Duration wait = null;
        boolean async = false;
        for (String header : headers) {
            for (String pref : header.split(",")) {
                String p = pref.trim();
                int semi = p.indexOf(';');
                if (semi >= 0) {
                    p = p.substring(0, semi).trim();
                }
                p = BWS_EQUALS.matcher(p).replaceFirst("="); // RFC 7240 allows "wait = 5"
                if (p.equalsIgnoreCase("respond-async")) {
                    async = true;
                } else if (p.regionMatches(true, 0, "wait=", 0, 5)) {
                    wait = Duration.ofSeconds(seconds(
                            p.substring(5), FieldError.header("Prefer", "wait must be a whole number of seconds")));
                }
            }
        }
        return wait == null && !async ? Preferences.NONE : new Preferences(wait, async);
    }

    /** A non-negative whole number of seconds, or a 400 that reports {@code where}. */
    static long seconds(String text, FieldError where) {
        try {
            long value = Long.parseLong(text.trim().replace("\"", ""));
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.of(
                ErrorCode.MALFORMED_REQUEST,
                where.name() + " must be a whole number of seconds, not '" + text + "'",
                List.of(where));
    }
}
