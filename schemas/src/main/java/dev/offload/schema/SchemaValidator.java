package dev.offload.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Validates JSON documents against one published schema. Obtained from {@link JsonSchemas}; the schema is compiled
 * once, when the validator is created.
 *
 * <p>Thread-safe. {@link #validate(JsonNode)} is CPU-only: it does not block and may run on an event loop.
 */
public final class SchemaValidator {
    private static final Comparator<SchemaViolation> ORDER =
            Comparator.comparing(SchemaViolation::pointer).thenComparing(SchemaViolation::message);

    private final String location;
    private final JsonSchema schema;
    private final ViolationMessages messages;

    SchemaValidator(String location, JsonSchema schema, ViolationMessages messages) {
        this.location = location;
        this.schema = schema;
        this.messages = messages;
    }

    /**
     * All violations of the schema by {@code document}, ordered by pointer; empty if the document is valid.
     *
     * @param document a parsed JSON document (not {@code null}; a JSON {@code null} is a {@code NullNode})
     */
    public List<SchemaViolation> validate(JsonNode document) {
        Objects.requireNonNull(document, "document");
        return schema.validate(document).stream()
                .map(messages::describe)
                .distinct()
                .sorted(ORDER)
                .toList();
    }

    /** Where the schema was loaded from, e.g. {@code classpath:offload-schemas/json/job-submission.schema.json}. */
    public String location() {
        return location;
    }

    @Override
    public String toString() {
        return "SchemaValidator[" + location + "]";
    }
}
