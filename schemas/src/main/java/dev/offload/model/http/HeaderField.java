package dev.offload.model.http;

import java.util.Objects;

/** One HTTP header field as sent, in order; a header sent twice is two fields. Immutable. */
public record HeaderField(String name, String value) {
    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
