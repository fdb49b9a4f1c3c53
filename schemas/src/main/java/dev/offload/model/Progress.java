package dev.offload.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A running job's self-reported progress.
 *
 * @param percent 0 to 100
 * @param message an optional human-readable note, at most 500 characters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Progress(int percent, String message) {
    public static final int MAX_MESSAGE_LENGTH = 500;

    public Progress {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("progress percent must be between 0 and 100, but was " + percent);
        }
        if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
            message = message.substring(0, MAX_MESSAGE_LENGTH);
        }
    }
}
