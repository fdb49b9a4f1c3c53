package dev.offload.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    private static final String PROBLEM_SCHEMA = "offload-schemas/json/problem.schema.json";

    private static JsonNode problemSchema() throws IOException {
        try (InputStream in = ErrorCodeTest.class.getClassLoader().getResourceAsStream(PROBLEM_SCHEMA)) {
            assertThat(in).as(PROBLEM_SCHEMA).isNotNull();
            return Json.MAPPER.readTree(in);
        }
    }

    /** The slugs the schema's description lists after "The type URI is stable per error kind:". */
    private static List<String> documentedSlugs() throws IOException {
        String description = problemSchema().get("description").asText();
        Matcher list = Pattern.compile("per error kind: ([a-z0-9, -]+)\\.").matcher(description);
        assertThat(list.find()).as("list of problem types in: %s", description).isTrue();
        return Arrays.stream(list.group(1).split(",")).map(String::trim).toList();
    }

    private static List<String> slugs() {
        return Arrays.stream(ErrorCode.values()).map(ErrorCode::slug).toList();
    }

    @Test
    void everySlugIsListedInTheProblemSchema() throws IOException {
        assertThat(documentedSlugs()).containsAll(slugs());
    }

    @Test
    void theProblemSchemaListsNoSlugThatIsNotACode() throws IOException {
        assertThat(slugs()).containsAll(documentedSlugs());
    }

    @Test
    void slugsAreUnique() {
        assertThat(slugs()).doesNotHaveDuplicates();
    }

    @Test
    void everyTypeMatchesTheProblemSchemaPattern() throws IOException {
        String pattern = problemSchema().at("/properties/type/pattern").asText();

        assertThat(ErrorCode.values())
                .allSatisfy(code -> assertThat(code.type()).matches(pattern));
    }

    @Test
    void everyStatusIsAClientOrServerError() {
        assertThat(ErrorCode.values())
                .allSatisfy(code -> assertThat(code.status()).isBetween(400, 599));
    }

    @Test
    void everyCodeHasATitle() {
        assertThat(ErrorCode.values())
                .allSatisfy(code -> assertThat(code.title()).isNotBlank());
    }
}
