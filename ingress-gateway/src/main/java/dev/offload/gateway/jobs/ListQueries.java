package dev.offload.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.model.JobDocument;
import dev.offload.model.JobState;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code GET /v1/jobs}: the query parameters and the page document. Stateless; runs on the event loop. */
final class ListQueries {
    static final int DEFAULT_LIMIT = 20;

    private ListQueries() {}

    static JobQuery parse(RoutingContext ctx) {
        return parse(ctx.request().params());
    }

    /** The query the parameters ask for, or a 400 that names the invalid parameter. */
    static JobQuery parse(MultiMap params) {
        String state = params.get("state");
        JobState parsedState = null;
        if (state != null) {
            try {
                parsedState = JobState.fromWireName(state);
            } catch (IllegalArgumentException e) {
                throw invalid("state", e.getMessage());
            }
        }
        int limit = DEFAULT_LIMIT;
        String limitText = params.get("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > JobQuery.MAX_LIMIT) {
                throw invalid("limit", "limit must be a whole number from 1 to " + JobQuery.MAX_LIMIT);
            }
        }
        return new JobQuery(parsedState, params.get("type"), params.get("queue"), limit, params.get("cursor"));
    }

    static void respond(RoutingContext ctx, JobPage page, JobQuery query) {
        if (page.nextCursor() != null) {
            ctx.response().putHeader("Link", "<" + nextLink(query, page.nextCursor()) + ">; rel=\"next\"");
        }
        List<JobDocument> items = page.jobs().stream().map(JobDocument::of).toList();
        Documents.send(ctx, new Page(items, page.nextCursor()), "no-cache");
    }

    private static String nextLink(JobQuery query, String cursor) {
        StringBuilder link = new StringBuilder(JobRoutes.PATH).append("?limit=").append(query.limit());
        if (query.state() != null) {
            link.append("&state=").append(query.state().wireName());
        }
        if (query.type() != null) {
            link.append("&type=").append(encode(query.type()));
        }
        if (query.queue() != null) {
            link.append("&queue=").append(encode(query.queue()));
        }
        return link.append("&cursor=").append(encode(cursor)).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static ApiException invalid(String parameter, String message) {
        return ApiException.of(ErrorCode.MALFORMED_REQUEST, message, List.of(FieldError.parameter(parameter, message)));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Page(List<JobDocument> items, String nextCursor) {}
}
