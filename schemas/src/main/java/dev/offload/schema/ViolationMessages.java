package dev.offload.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Rewrites the validator's messages ({@code "/priority: must have a maximum value of 9"}, {@code ": required property
 * 'type' not found"}) into violations a client can act on: the pointer names the field itself, also for missing and
 * unknown fields, and the message says what is accepted. Thread-safe.
 */
final class ViolationMessages {
    private static final Set<String> AN = Set.of("integer", "object", "array");

    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;

    ViolationMessages(JsonSchemaFactory factory, SchemaValidatorsConfig config) {
        this.factory = factory;
        this.config = config;
    }

    SchemaViolation describe(ValidationMessage m) {
        String at = pointer(m.getInstanceLocation());
        JsonNode rule = m.getSchemaNode();
        return switch (m.getType()) {
            case "required" -> new SchemaViolation(child(at, m.getProperty()), "is required");
            case "additionalProperties" -> new SchemaViolation(child(at, m.getProperty()), unknownField(m));
            case "propertyNames" ->
                new SchemaViolation(child(at, m.getProperty()), "is not an accepted name: it must " + nameRules(rule));
            case "type" -> new SchemaViolation(at, typeMessage(m));
            case "maximum" -> new SchemaViolation(at, "must be at most " + rule.asText());
            case "minimum" -> new SchemaViolation(at, "must be at least " + rule.asText());
            case "exclusiveMaximum" -> new SchemaViolation(at, "must be less than " + rule.asText());
            case "exclusiveMinimum" -> new SchemaViolation(at, "must be greater than " + rule.asText());
            case "maxLength" -> new SchemaViolation(at, "must be at most " + rule.asText() + " characters long");
            case "minLength" -> new SchemaViolation(at, "must be at least " + rule.asText() + " characters long");
            case "maxProperties" -> new SchemaViolation(at, "must have at most " + rule.asText() + " entries");
            case "minProperties" -> new SchemaViolation(at, "must have at least " + rule.asText() + " entries");
            case "maxItems" -> new SchemaViolation(at, "must have at most " + rule.asText() + " items");
            case "minItems" -> new SchemaViolation(at, "must have at least " + rule.asText() + " items");
            case "pattern" -> new SchemaViolation(at, "must match the pattern " + rule.asText());
            case "format" -> new SchemaViolation(at, formatMessage(rule.asText()));
            case "enum" -> new SchemaViolation(at, "must be one of " + join(rule));
            case "const" -> new SchemaViolation(at, "must be " + rule);
            case "not" -> exclusion(m, at, rule);
            default -> new SchemaViolation(at, m.getError());
        };
    }

    private static String typeMessage(ValidationMessage m) {
        Object[] args = m.getArguments();
        if (args == null || args.length < 2) {
            return m.getError();
        }
        String found = String.valueOf(args[0]);
        String expected = String.valueOf(args[1]);
        return "must be " + article(expected) + ", but was " + (found.equals("null") ? "null" : article(found));
    }

    private static String article(String type) {
        return (AN.contains(type) ? "an " : "a ") + type;
    }

    private static String formatMessage(String format) {
        return switch (format) {
            case "date-time" -> "must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T12:00:00Z";
            case "uri" -> "must be an absolute URI, e.g. https://example.com/hooks/offload";
            case "uri-reference" -> "must be a URI reference, e.g. /v1/jobs/01JQ3Z5X8K2M4N6P8R0S2T4V6W";
            default -> "must be a valid " + format;
        };
    }

    private static String nameRules(JsonNode rule) {
        List<String> rules = new ArrayList<>();
        if (rule.has("pattern")) {
            rules.add("match " + rule.get("pattern").asText());
        }
        if (rule.has("maxLength")) {
            rules.add("be at most " + rule.get("maxLength").asText() + " characters long");
        }
        return rules.isEmpty() ? "match " + rule : String.join(" and ", rules);
    }

    // "delaySeconds and runAt are mutually exclusive" is written as dependentSchemas: {runAt: {not: {required:
    // [...]}}}.
    private static SchemaViolation exclusion(ValidationMessage m, String at, JsonNode rule) {
        JsonNode required = rule.path("required");
        if (!required.isArray() || required.isEmpty()) {
            return new SchemaViolation(at, "must not match " + rule);
        }
        String trigger = dependentSchemaKey(m.getEvaluationPath());
        if (trigger == null) {
            return new SchemaViolation(at, "must not contain all of " + join(required) + " together");
        }
        return new SchemaViolation(
                child(at, trigger), "cannot be combined with " + join(required) + "; send only one of them");
    }

    private static String dependentSchemaKey(JsonNodePath evaluationPath) {
        int count = evaluationPath.getNameCount();
        for (int i = 0; i + 1 < count; i++) {
            if ("dependentSchemas".equals(String.valueOf(evaluationPath.getElement(i)))) {
                return String.valueOf(evaluationPath.getElement(i + 1));
            }
        }
        return null;
    }

    private String unknownField(ValidationMessage m) {
        List<String> known = knownFields(m.getSchemaLocation());
        return known.isEmpty()
                ? "is not an accepted field"
                : "is not an accepted field; accepted fields are " + String.join(", ", known);
    }

    // The rejected field's siblings: the "properties" of the schema that holds "additionalProperties: false".
    private List<String> knownFields(SchemaLocation location) {
        JsonNodePath parent = location.getFragment().getParent();
        if (parent == null) {
            return List.of();
        }
        try {
            JsonNode owner = factory.getSchema(new SchemaLocation(location.getAbsoluteIri(), parent), config)
                    .getSchemaNode();
            return fieldNames(owner.path("properties"));
        } catch (RuntimeException e) {
            return List.of(); // the hint is a courtesy; the violation stands without it
        }
    }

    private static List<String> fieldNames(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String join(JsonNode values) {
        return StreamSupport.stream(values.spliterator(), false)
                .map(v -> v.isTextual() ? v.asText() : v.toString())
                .collect(Collectors.joining(", "));
    }

    private static String pointer(JsonNodePath path) {
        return path == null ? "" : path.toString();
    }

    private static String child(String pointer, String name) {
        return name == null ? pointer : pointer + "/" + name.replace("~", "~0").replace("/", "~1");
    }
}
