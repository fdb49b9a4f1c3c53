package dev.offload.schema;

import java.util.Objects;

/**
 * One way a JSON document breaks its schema, phrased for the person who sent it.
 *
 * @param pointer a JSON pointer (RFC 6901) to the offending value, e.g. {@code /priority}; for a missing or unknown
 *     field, the pointer of that field; empty for the document as a whole
 * @param message what is wrong and what is accepted, e.g. {@code must be at most 9}
 */
public record SchemaViolation(String pointer, String message) {
    public SchemaViolation {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }

    /** {@code /priority: must be at most 9}; the whole document shows as {@code (document)}. */
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(document)" : pointer) + ": " + message;
    }
}
