package dev.offload.schema;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The published contract as validators: the JSON Schemas in {@code schemas/json}, loaded from the classpath
 * ({@value #JSON_SCHEMA_DIRECTORY}), and any schema inside {@code openapi.yaml}. The gateway validates submissions
 * with exactly the schemas the API reference publishes.
 *
 * <p>Each standard validator is built once, on first use of this class. Format assertions are on, so
 * {@code date-time}, {@code uri} and {@code uri-reference} are checked, not just annotated. Thread-safe.
 */
public final class JsonSchemas {
    /** Classpath folder of the published contract. */
    public static final String RESOURCE_ROOT = "offload-schemas/";
    /** Classpath resource of the OpenAPI 3.1 description of the HTTP API. */
    public static final String OPENAPI_RESOURCE = RESOURCE_ROOT + "openapi.yaml";
    /** Classpath resource of the AsyncAPI 3.0 description of the broker and event messages. */
    public static final String ASYNCAPI_RESOURCE = RESOURCE_ROOT + "asyncapi.yaml";
    /** Classpath folder of the JSON Schema 2020-12 files. */
    public static final String JSON_SCHEMA_DIRECTORY = RESOURCE_ROOT + "json/";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .build();
    private static final ViolationMessages MESSAGES = new ViolationMessages(FACTORY, CONFIG);

    private static final SchemaValidator SUBMISSION = jsonSchema("job-submission.schema.json");
    private static final SchemaValidator JOB_DOCUMENT = jsonSchema("job-document.schema.json");
    private static final SchemaValidator JOB_LIST = jsonSchema("job-list.schema.json");
    private static final SchemaValidator PROBLEM = jsonSchema("problem.schema.json");
    private static final SchemaValidator ENVELOPE = jsonSchema("queue-envelope.schema.json");
    private static final SchemaValidator EVENT = jsonSchema("job-event.schema.json");

    private JsonSchemas() {}

    /** The body of {@code POST /v1/jobs} ({@code job-submission.schema.json}). */
    public static SchemaValidator submission() {
        return SUBMISSION;
    }

    /** A job as the API returns it ({@code job-document.schema.json}). */
    public static SchemaValidator jobDocument() {
        return JOB_DOCUMENT;
    }

    /** A page of {@code GET /v1/jobs} ({@code job-list.schema.json}). */
    public static SchemaValidator jobList() {
        return JOB_LIST;
    }

    /** An {@code application/problem+json} error body ({@code problem.schema.json}). */
    public static SchemaValidator problem() {
        return PROBLEM;
    }

    /** A broker message, {@code JobEnvelope} as {@code dev.offload.model.Json} writes it. */
    public static SchemaValidator envelope() {
        return ENVELOPE;
    }

    /** A store event, {@code JobEvent} as {@code dev.offload.model.Json} writes it. */
    public static SchemaValidator event() {
        return EVENT;
    }

    /**
     * A validator for the schema at a JSON pointer inside a classpath resource, e.g. a response schema inside
     * {@value #OPENAPI_RESOURCE}. Relative {@code $ref}s resolve against the resource, so references to
     * {@code #/components/...} and to {@code json/*.schema.json} work. Compiles the schema on every call: callers
     * keep the result.
     *
     * @param resource a classpath resource path, e.g. {@value #OPENAPI_RESOURCE}
     * @param jsonPointer an RFC 6901 pointer into it, e.g. {@code /components/schemas/JobDocument}; empty for the
     *     whole resource
     * @throws IllegalArgumentException if the resource or the pointer does not exist
     */
    public static SchemaValidator forResource(String resource, String jsonPointer) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(jsonPointer, "jsonPointer");
        String location = "classpath:" + resource + (jsonPointer.isEmpty() ? "" : "#" + encodeFragment(jsonPointer));
        return load(location);
    }

    private static SchemaValidator jsonSchema(String fileName) {
        return load("classpath:" + JSON_SCHEMA_DIRECTORY + fileName);
    }

    private static SchemaValidator load(String location) {
        JsonSchema schema;
        try {
            schema = FACTORY.getSchema(SchemaLocation.of(location), CONFIG);
            schema.initializeValidators();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load the JSON schema at " + location + ": " + e.getMessage(), e);
        }
        return new SchemaValidator(location, schema, MESSAGES);
    }

    // A JSON pointer may hold characters a URI fragment may not ({ and } of path templates, spaces, %).
    private static String encodeFragment(String pointer) {
        StringBuilder out = new StringBuilder(pointer.length() + 16);
        for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (b >= 0 && isFragmentChar(c)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static boolean isFragmentChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }
}
