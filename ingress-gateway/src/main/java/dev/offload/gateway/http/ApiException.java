package dev.offload.gateway.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A failure to report to the client as problem+json. Handlers fail their chain with it ({@code ctx.fail(e)} or a
 * failed future) and never write error responses themselves; {@link ProblemHandler} renders it.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final List<FieldError> errors;
    private final Duration retryAfter;
    private final Map<String, Object> extensions;

    private ApiException(
            ErrorCode code, String detail, List<FieldError> errors, Duration retryAfter, Map<String, Object> ext) {
        super(detail, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
        this.extensions = Map.copyOf(ext);
    }

    public static ApiException of(ErrorCode code, String detail) {
        return new ApiException(code, detail, List.of(), null, Map.of());
    }

    public static ApiException of(ErrorCode code, String detail, List<FieldError> errors) {
        return new ApiException(code, detail, errors, null, Map.of());
    }

    public static ApiException invalid(String detail, List<FieldError> errors) {
        return new ApiException(ErrorCode.VALIDATION_FAILED, detail, errors, null, Map.of());
    }

    /** A 503 that tells the client when to try again. */
    public static ApiException unavailable(String detail, Duration retryAfter) {
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, detail, List.of(), retryAfter, Map.of());
    }

    /** The same problem with a {@code Retry-After}: when the client may try again. */
    public ApiException withRetryAfter(Duration after) {
        return new ApiException(code, getMessage(), errors, after, extensions);
    }

    /** The same problem with an extension member (e.g. the job document of a failed job). */
    public ApiException with(String member, Object value) {
        Map<String, Object> ext = new java.util.LinkedHashMap<>(extensions);
        ext.put(member, value);
        return new ApiException(code, getMessage(), errors, retryAfter, ext);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    /**
     * One invalid part of a request and why. {@code in} says where it is: {@code pointer} (a JSON pointer into the
     * body), {@code parameter} (a query parameter) or {@code header}; {@code name} is the pointer or the name.
     */
    public record FieldError(String in, String name, String message) {
        public static FieldError body(String pointer, String message) {
            return new FieldError("pointer", pointer, message);
        }

        public static FieldError parameter(String name, String message) {
            return new FieldError("parameter", name, message);
        }

        public static FieldError header(String name, String message) {
            return new FieldError("header", name, message);
        }
    }
}
