package dev.offload.bench.scenario;

import io.vertx.core.buffer.Buffer;

/**
 * A request body with {@code {{seq}}} placeholders replaced by the operation's sequence number, so that submitted
 * jobs differ ({@code {"type":"demo.echo","payload":{"n":{{seq}}}}}). Immutable and thread-safe.
 */
public record BodyTemplate(String text) {

    static final String PLACEHOLDER = "{{seq}}";

    public BodyTemplate {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("--body must not be empty");
        }
    }

    public Buffer render(long sequence) {
        return Buffer.buffer(text.replace(PLACEHOLDER, Long.toString(sequence)));
    }
}
