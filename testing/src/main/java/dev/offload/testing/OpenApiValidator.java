package dev.offload.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.schema.JsonSchemas;
import dev.offload.schema.SchemaValidator;
import dev.offload.schema.SchemaViolation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks HTTP responses against the published {@code offload-schemas/openapi.yaml}: the path and method are declared,
 * the status is declared for the operation (or covered by {@code 4XX}/{@code default}), the content type is declared
 * for that status, and a JSON body matches the declared schema (JSON Schema 2020-12, including the {@code $ref}s to
 * components and to {@code json/*.schema.json}).
 *
 * <pre>{@code
 * OpenApiValidator.instance().assertValidResponse("POST", "/v1/jobs", 202, "application/json", body);
 * }</pre>
 *
 * <p>The document is loaded once per JVM; response schemas are compiled on first use and cached. Thread-safe; the
 * assertion is CPU-only and does not block.
 */
public final class OpenApiValidator {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_EXCERPT = 2_000;

    private static final class Shared {
        static final JsonNode DOCUMENT = load();
        static final OpenApiValidator INSTANCE = new OpenApiValidator();
        static final Map<String, SchemaValidator> SCHEMAS = new ConcurrentHashMap<>();
    }

    private final JsonNode document;

    /** A validator over the shared, once-loaded document; cheap. Prefer {@link #instance()}. */
    public OpenApiValidator() {
        this.document = Shared.DOCUMENT;
    }

    /** The shared validator. */
    public static OpenApiValidator instance() {
        return Shared.INSTANCE;
    }

    /**
     * Asserts that the response is one the API description allows.
     *
     * @param method the request method, e.g. {@code GET}
     * @param requestPath the request path, with or without query string or scheme and authority, e.g.
     *     {@code /v1/jobs/01JQ3Z5X8K2M4N6P8R0S2T4V6W?wait=5}
     * @param status the response status
     * @param contentType the response {@code Content-Type}, or {@code null} when there is none
     * @param body the response body; {@code null} or empty for none
     * @throws AssertionError listing every way the response breaks the description
     */
    public void assertValidResponse(String method, String requestPath, int status, String contentType, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestPath, "requestPath");
        String path = pathOf(requestPath);
        String exchange = method.toUpperCase(Locale.ROOT) + " " + path + " -> " + status;
        byte[] bytes = body == null ? new byte[0] : body;
        String template = template(path, exchange);
        String responsePointer = responsePointer(template, method, status, exchange);
        checkBody(exchange, responsePointer, contentType, bytes);
    }

    /** {@link #assertValidResponse(String, String, int, String, byte[])} for a body already decoded as UTF-8. */
    public void assertValidResponse(String method, String requestPath, int status, String contentType, String body) {
        assertValidResponse(
                method, requestPath, status, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    // ---- operation and response lookup --------------------------------------------------------------------------

    private String template(String path, String exchange) {
        List<String> templates = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(templates::add);
        return templates.stream()
                .filter(t -> PathTemplates.matches(t, path))
                .min(Comparator.comparingInt(PathTemplates::parameterCount))
                .orElseThrow(() -> fail(
                        exchange,
                        "no path of openapi.yaml matches " + path + "; declared: " + String.join(", ", templates)));
    }

    private String responsePointer(String template, String method, int status, String exchange) {
        String operationPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        JsonNode operation = document.at(operationPointer);
        if (operation.isMissingNode()) {
            if (status == 405) {
                return "/components/responses/MethodNotAllowed";
            }
            throw fail(exchange, template + " declares no " + method.toUpperCase(Locale.ROOT) + " operation");
        }
        JsonNode responses = operation.path("responses");
        String code = String.valueOf(status);
        String key = responses.has(code) ? code : responses.has(status / 100 + "XX") ? status / 100 + "XX" : "default";
        if (!responses.has(key)) {
            throw fail(
                    exchange,
                    "status " + status + " is not declared for " + method.toUpperCase(Locale.ROOT) + " " + template
                            + "; declared: " + fieldNames(responses));
        }
        return followRefs(operationPointer + "/responses/" + escape(key));
    }

    private String followRefs(String pointer) {
        String current = pointer;
        for (int hops = 0; hops < 10; hops++) {
            JsonNode ref = document.at(current).path("$ref");
            if (!ref.isTextual() || !ref.asText().startsWith("#")) {
                return current;
            }
            current = ref.asText().substring(1);
        }
        throw new IllegalStateException("openapi.yaml: $ref cycle at " + pointer);
    }

    // ---- body ---------------------------------------------------------------------------------------------------

    private void checkBody(String exchange, String responsePointer, String contentType, byte[] body) {
        JsonNode content = document.at(responsePointer).path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (body.length > 0) {
                throw fail(exchange, "the status declares no body, but one of " + body.length + " bytes was sent");
            }
            return;
        }
        if (body.length == 0) {
            throw fail(exchange, "the status declares a body (" + fieldNames(content) + "), but none was sent");
        }
        String mediaType = MediaTypes.essence(contentType);
        String declared = MediaTypes.bestMatch(mediaType, fieldNames(content));
        if (declared == null) {
            throw fail(exchange, "content type " + contentType + " is not declared; declared: " + fieldNames(content));
        }
        if (!MediaTypes.isJson(declared)) {
            return; // only JSON bodies have schemas worth checking here (text/plain metrics, */* replays)
        }
        String schemaPointer = responsePointer + "/content/" + escape(declared) + "/schema";
        List<SchemaViolation> violations = schemaAt(schemaPointer).validate(parse(exchange, body));
        if (!violations.isEmpty()) {
            throw fail(
                    exchange,
                    "the body does not match #" + schemaPointer + ":\n  "
                            + violations.stream().map(SchemaViolation::toString).collect(Collectors.joining("\n  "))
                            + "\nbody: " + excerpt(body));
        }
    }

    private static SchemaValidator schemaAt(String pointer) {
        return Shared.SCHEMAS.computeIfAbsent(pointer, p -> JsonSchemas.forResource(JsonSchemas.OPENAPI_RESOURCE, p));
    }

    private static JsonNode parse(String exchange, byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw fail(exchange, "the body is not JSON (" + e.getMessage() + "): " + excerpt(body));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String pathOf(String requestPath) {
        String path = requestPath;
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int end = path.length();
        for (char c : new char[] {'?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return path.substring(0, end);
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= BODY_EXCERPT ? text : text.substring(0, BODY_EXCERPT) + "…";
    }

    private static AssertionError fail(String exchange, String why) {
        return new AssertionError(exchange + " does not match openapi.yaml: " + why);
    }

    private static JsonNode load() {
        String resource = JsonSchemas.OPENAPI_RESOURCE;
        try (InputStream in = OpenApiValidator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: depend on offload-schemas");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
