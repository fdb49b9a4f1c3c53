package dev.offload.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.model.JobState;
import dev.offload.store.JobQuery;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListQueriesTest {

    private static MultiMap params(String... namesAndValues) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    private static ApiException rejectionOf(MultiMap params) {
        return catchThrowableOfType(ApiException.class, () -> ListQueries.parse(params));
    }

    @Test
    void noParametersAsksForTheFirstPageOfEverything() {
        assertThat(ListQueries.parse(params())).isEqualTo(JobQuery.firstPage(ListQueries.DEFAULT_LIMIT));
    }

    @Test
    void everyParameterIsRead() {
        JobQuery query = ListQueries.parse(
                params("state", "running", "type", "demo.echo", "queue", "reports", "limit", "50", "cursor", "abc"));

        assertThat(query).isEqualTo(new JobQuery(JobState.RUNNING, "demo.echo", "reports", 50, "abc"));
    }

    @Test
    void cursorIsPassedOnAsGiven() {
        assertThat(ListQueries.parse(params("cursor", "not-decoded-here")).cursor())
                .isEqualTo("not-decoded-here");
    }

    @Test
    void limitMayBeTheMaximum() {
        assertThat(ListQueries.parse(params("limit", String.valueOf(JobQuery.MAX_LIMIT)))
                        .limit())
                .isEqualTo(JobQuery.MAX_LIMIT);
    }

    @Test
    void unknownStateIsRejectedNamingTheStateParameter() {
        ApiException e = rejectionOf(params("state", "sleeping"));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.in()).isEqualTo("parameter");
            assertThat(error.name()).isEqualTo("state");
            assertThat(error.message()).contains("'sleeping'");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "201", "ten", "", "2.5"})
    void limitOutsideOneToTheMaximumIsRejectedNamingTheLimitParameter(String limit) {
        ApiException e = rejectionOf(params("limit", limit));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.in()).isEqualTo("parameter");
            assertThat(error.name()).isEqualTo("limit");
        });
    }
}
