package dev.offload.model.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The payload of a job of the built-in type {@value #TYPE}: an HTTP request captured by an offload route, and what
 * the worker needs to replay it (the upstreams and the retry rule are those of the route when the request was
 * accepted, so a job runs as it was accepted even if the configuration changes meanwhile). The body travels as bytes
 * (base64 in JSON), so binary bodies survive unchanged. Immutable.
 *
 * @param route the name of the route that captured the request
 * @param upstreams the route's upstream base URLs, tried in order from a rotating start
 * @param method the request method, e.g. {@code POST}
 * @param path the request path as received, e.g. {@code /api/reports/42}
 * @param query the raw query string without {@code ?}, or {@code null} if there was none
 * @param headers the header fields to send, already filtered by the route
 * @param body the request body; empty if there was none
 * @param timeout how long the upstream may take to answer one replay
 * @param retryOn which outcomes fail the attempt so that it is retried; see {@link RetryRule}
 * @param maxResponseSize the largest upstream response body kept as the result, in bytes
 */
public record HttpRequestJob(
        String route,
        List<String> upstreams,
        String method,
        String path,
        String query,
        List<HeaderField> headers,
        byte[] body,
        Duration timeout,
        List<String> retryOn,
        long maxResponseSize) {

    /** The job type of captured HTTP requests; reserved: clients cannot submit it through {@code POST /v1/jobs}. */
    public static final String TYPE = "http";

    public HttpRequestJob {
        Objects.requireNonNull(route, "route");
        upstreams = List.copyOf(upstreams);
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("an http job needs at least one upstream");
        }
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
        Objects.requireNonNull(timeout, "timeout");
        retryOn = retryOn == null ? List.of() : List.copyOf(retryOn);
    }

    /** The path and query as sent to the upstream. */
    @JsonIgnore
    public String pathAndQuery() {
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }
}
