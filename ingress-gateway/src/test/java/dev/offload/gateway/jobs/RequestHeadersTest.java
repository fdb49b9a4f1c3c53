package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.jobs.RequestHeaders.Preferences;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadersTest {
    private static final String VALID_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String W3C_TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-01";

    // ---- Content-Type --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "application/json",
                "Application/JSON",
                "application/json; charset=utf-8",
                " application/json ;charset=utf-8",
                "application/merge-patch+json",
                "application/vnd.example+JSON; v=1"
            })
    void jsonMediaTypesAreJsonWhateverTheirCaseAndParameters(String contentType) {
        assertThat(RequestHeaders.isJson(contentType)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/jsonx", "json", "", "; application/json"})
    void otherMediaTypesAreNotJson(String contentType) {
        assertThat(RequestHeaders.isJson(contentType)).isFalse();
    }

    @Test
    void anAbsentContentTypeIsNotJson() {
        assertThat(RequestHeaders.isJson(null)).isFalse();
    }

    // ---- Idempotency-Key -----------------------------------------------------------------------------------------

    @Test
    void absentIdempotencyKeyIsNull() {
        assertThat(RequestHeaders.idempotencyKey(null)).isNull();
    }

    @Test
    void quotedIdempotencyKeyIsUnquoted() {
        assertThat(RequestHeaders.idempotencyKey("\"order 42: retry\"")).isEqualTo("order 42: retry");
    }

    @Test
    void escapesInAQuotedIdempotencyKeyAreResolved() {
        assertThat(RequestHeaders.idempotencyKey("\"say \\\"hi\\\" \\\\o/\"")).isEqualTo("say \"hi\" \\o/");
    }

    @Test
    void bareTokenIdempotencyKeyIsTakenAsIs() {
        assertThat(RequestHeaders.idempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324"))
                .isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
    }

    @Test
    void idempotencyKeyIsTrimmed() {
        assertThat(RequestHeaders.idempotencyKey("  order-42 ")).isEqualTo("order-42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"\"", "two words", "\"unterminated", "\"lone \\ backslash\"", "naïve", "semi;colon"})
    void malformedIdempotencyKeyIsRejectedNamingTheHeader(String header) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> RequestHeaders.idempotencyKey(header));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.in()).isEqualTo("header");
            assertThat(error.name()).isEqualTo("Idempotency-Key");
        });
    }

    @Test
    void idempotencyKeyLongerThan255CharactersIsRejected() {
        String key = "k".repeat(256);

        ApiException e = catchThrowableOfType(ApiException.class, () -> RequestHeaders.idempotencyKey(key));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void idempotencyKeyOf255CharactersIsAccepted() {
        String key = "k".repeat(255);

        assertThat(RequestHeaders.idempotencyKey(key)).isEqualTo(key);
        assertThat(RequestHeaders.idempotencyKey("\"" + key + "\"")).isEqualTo(key);
    }

    // ---- traceparent ---------------------------------------------------------------------------------------------

    @Test
    void validTraceparentIsKept() {
        assertThat(RequestHeaders.traceparent(VALID_TRACEPARENT)).isEqualTo(VALID_TRACEPARENT);
    }

    @Test
    void validTraceparentIsKeptWithoutSurroundingWhitespace() {
        assertThat(RequestHeaders.traceparent(" " + VALID_TRACEPARENT + " ")).isEqualTo(VALID_TRACEPARENT);
    }

    @Test
    void absentTraceparentStartsANewTrace() {
        assertThat(RequestHeaders.traceparent(null)).matches(W3C_TRACEPARENT);
    }

    @Test
    void laterTraceparentVersionContinuesTheTraceAsVersion00() {
        assertThat(RequestHeaders.traceparent(
                        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                "garbage",
                ""
            })
    void invalidTraceparentIsReplacedByANewValidOne(String header) {
        String traceparent = RequestHeaders.traceparent(header);

        assertThat(traceparent).matches(W3C_TRACEPARENT).isNotEqualTo(header);
        assertThat(traceparent.substring(3, 35)).isNotEqualTo("0".repeat(32));
        assertThat(traceparent.substring(36, 52)).isNotEqualTo("0".repeat(16));
    }

    @Test
    void eachNewTraceHasItsOwnIds() {
        assertThat(RequestHeaders.traceparent(null)).isNotEqualTo(RequestHeaders.traceparent(null));
    }

    // ---- Prefer --------------------------------------------------------------------------------------------------

    @Test
    void noPreferHeaderMeansNoPreferences() {
        assertThat(RequestHeaders.prefer(List.of())).isEqualTo(Preferences.NONE);
    }

    @Test
    void waitPreferenceIsReadInSeconds() {
        assertThat(RequestHeaders.prefer(List.of("wait=5"))).isEqualTo(new Preferences(Duration.ofSeconds(5), false));
    }

    @Test
    void respondAsyncPreferenceIsRead() {
        assertThat(RequestHeaders.prefer(List.of("respond-async"))).isEqualTo(new Preferences(null, true));
    }

    @Test
    void bothPreferencesAreReadFromOneHeader() {
        assertThat(RequestHeaders.prefer(List.of("respond-async, wait=10")))
                .isEqualTo(new Preferences(Duration.ofSeconds(10), true));
    }

    @Test
    void bothPreferencesAreReadFromSeparateHeaders() {
        assertThat(RequestHeaders.prefer(List.of("wait=10", "respond-async")))
                .isEqualTo(new Preferences(Duration.ofSeconds(10), true));
    }

    @Test
    void preferenceParametersAreIgnored() {
        assertThat(RequestHeaders.prefer(List.of("wait=5; foo", "respond-async;bar=1")))
                .isEqualTo(new Preferences(Duration.ofSeconds(5), true));
    }

    @Test
    void preferenceNamesAreCaseInsensitive() {
        assertThat(RequestHeaders.prefer(List.of("Respond-Async, WAIT=3")))
                .isEqualTo(new Preferences(Duration.ofSeconds(3), true));
    }

    @Test
    void whitespaceAroundTheEqualsSignOfWaitIsAllowed() {
        assertThat(RequestHeaders.prefer(List.of("wait = 5")).waitFor()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void quotedWaitValueIsAccepted() {
        assertThat(RequestHeaders.prefer(List.of("wait=\"7\"")).waitFor()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void unknownPreferencesAreIgnored() {
        assertThat(RequestHeaders.prefer(List.of("return=minimal, handling=lenient")))
                .isEqualTo(Preferences.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wait=soon", "wait=-1", "wait=", "wait=1.5", "wait=99999999999999999999"})
    void invalidWaitIsRejectedNamingThePreferHeader(String header) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> RequestHeaders.prefer(List.of(header)));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.in()).isEqualTo("header");
            assertThat(error.name()).isEqualTo("Prefer");
        });
    }

    // ---- seconds -------------------------------------------------------------------------------------------------

    @Test
    void secondsAreAWholeNonNegativeNumber() {
        FieldError where = FieldError.parameter("wait", "not a whole number of seconds");

        assertThat(RequestHeaders.seconds("0", where)).isZero();
        assertThat(RequestHeaders.seconds(" 30 ", where)).isEqualTo(30);
        assertThat(RequestHeaders.seconds("\"30\"", where)).isEqualTo(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "", "abc", "2.5", "1e3"})
    void invalidSecondsAreReportedWhereTheCallerSays(String text) {
        FieldError where = FieldError.parameter("wait", "not a whole number of seconds");

        ApiException e = catchThrowableOfType(ApiException.class, () -> RequestHeaders.seconds(text, where));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.errors()).containsExactly(where);
        assertThat(e.getMessage()).isEqualTo("wait must be a whole number of seconds, not '" + text + "'");
    }
}
