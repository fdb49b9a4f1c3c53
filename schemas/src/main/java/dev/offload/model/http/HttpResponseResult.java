package dev.offload.model.http;

import java.util.List;

/**
 * The result of a job of type {@value HttpRequestJob#TYPE}: the upstream's answer, replayed by {@code GET
 * /v1/jobs/{id}/result} with this status, these header fields and exactly these body bytes (base64 in JSON).
 * Immutable.
 *
 * @param status the upstream's status code
 * @param headers the upstream's header fields minus hop-by-hop ones
 * @param body the upstream's body
 * @param upstream the base URL that answered
 */
public record HttpResponseResult(int status, List<HeaderField> headers, byte[] body, String upstream) {
    public HttpResponseResult {
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }
}
