package dev.offload.gateway.http;

/**
 * The catalogue of API errors. Each code's slug is its problem {@code type} ({@value #TYPE_BASE} + slug) and never
 * changes once released; clients may switch on it. {@code docs/errors.md} is generated from this list.
 */
public enum ErrorCode {
    VALIDATION_FAILED("validation-failed", 400, "The request body is not valid"),
    MALFORMED_JSON("malformed-json", 400, "The request body is not valid JSON"),
    MALFORMED_ID("malformed-id", 400, "The job id is malformed"),
    MALFORMED_REQUEST("malformed-request", 400, "A header or query parameter is not valid"),
    UNAUTHORIZED("unauthorized", 401, "Missing or unknown API key"),
    NOT_FOUND("not-found", 404, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    IDEMPOTENCY_REQUEST_IN_PROGRESS(
            "idempotency-request-in-progress", 409, "A request with this Idempotency-Key is still being processed"),
    JOB_ALREADY_FINISHED("job-already-finished", 409, "The job has already finished"),
    JOB_NOT_SUCCEEDED("job-not-succeeded", 409, "The job did not succeed"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "The Idempotency-Key was used for a different request"),
    UNKNOWN_JOB_TYPE("unknown-job-type", 422, "Unknown job type"),
    WEBHOOK_URL_REFUSED("webhook-url-refused", 422, "The webhook URL may not be called"),
    QUOTA_EXCEEDED("quota-exceeded", 429, "Too many requests"),
    SERVICE_UNAVAILABLE("service-unavailable", 503, "Service temporarily unavailable"),
    BAD_GATEWAY("bad-gateway", 502, "The upstream could not be reached or answered invalidly"),
    UPSTREAM_UNAVAILABLE("upstream-unavailable", 503, "The upstream is unavailable (circuit breaker open)"),
    UPSTREAM_TIMEOUT("upstream-timeout", 504, "The upstream did not answer in time"),
    INTERNAL_ERROR("internal-error", 500, "Internal server error");

    public static final String TYPE_BASE = "https://offload.dev/problems/";

    private final String slug;
    private final int status;
    private final String title;

    ErrorCode(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The problem {@code type} URI. */
    public String type() {
        return TYPE_BASE + slug;
    }
}
