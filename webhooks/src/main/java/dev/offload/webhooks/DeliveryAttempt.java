package dev.offload.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One attempt to deliver.
 *
 * @param attempt 1 for the first attempt
 * @param at when it started
 * @param statusCode the receiver's HTTP status, or {@code null} if none came (connect error, timeout, refused)
 * @param latencyMillis how long it took
 * @param error what went wrong, or {@code null} on success
 * @param responseBody the start of the receiver's response body (bounded), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryAttempt(
        int attempt, Instant at, Integer statusCode, long latencyMillis, String error, String responseBody) {}
