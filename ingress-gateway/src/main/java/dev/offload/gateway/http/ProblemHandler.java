package dev.offload.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.model.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into {@code application/problem+json} (RFC 9457). Known failures are
 * {@link ApiException}s; Vert.x-web's own status failures (413 from the body limit, 404, 405) map to their codes;
 * anything else is logged with the request id and answered as an opaque 500, never with a stack trace. Runs on the
 * event loop.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        ApiException problem = toProblem(ctx);
        if (problem.code() == ErrorCode.INTERNAL_ERROR) {
            LOG.error(
                    "request {} {} {} failed",
                    RequestIds.of(ctx),
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
        }
        send(ctx, problem);
    }

    /** Writes {@code problem} as the response, unless a response was already started. */
    public static void send(RoutingContext ctx, ApiException problem) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ErrorCode code = problem.code();
        body.put("type", code.type());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("detail", problem.getMessage() == null ? code.title() : problem.getMessage());
        body.put("instance", ctx.request().path());
        body.put("requestId", RequestIds.of(ctx));
        if (!problem.errors().isEmpty()) {
            var errors = body.putArray("errors");
            problem.errors()
                    .forEach(e -> errors.addObject().put(e.in(), e.name()).put("message", e.message()));
        }
        problem.extensions().forEach((member, value) -> body.set(member, Json.MAPPER.valueToTree(value)));
        response.setStatusCode(code.status()).putHeader("Content-Type", CONTENT_TYPE);
        if (problem.retryAfter() != null) {
            response.putHeader(
                    "Retry-After",
                    Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
        }
        if (code == ErrorCode.UNAUTHORIZED) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"offload\"");
        }
        response.end(Buffer.buffer(Json.toBytes(body)));
    }

    private static ApiException toProblem(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure != null && failure.getCause() instanceof ApiException api) {
            return api;
        }
        return switch (ctx.statusCode()) {
            case 413 ->
                ApiException.of(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        "the request body exceeds the limit of " + ctx.<Long>get(BODY_LIMIT_KEY, -1L) + " bytes");
            case 404 ->
                ApiException.of(
                        ErrorCode.NOT_FOUND, "no resource at " + ctx.request().path());
            case 405 ->
                ApiException.of(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        ctx.request().method() + " is not allowed on "
                                + ctx.request().path());
            case 415 -> ApiException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
            case 400 -> ApiException.of(ErrorCode.MALFORMED_REQUEST, "the request is malformed");
            default ->
                ApiException.of(
                        ErrorCode.INTERNAL_ERROR,
                        "an unexpected error occurred; quote request id " + RequestIds.of(ctx) + " when reporting it");
        };
    }

    /** Routing-context key under which the body limit is kept for the 413 message. */
    public static final String BODY_LIMIT_KEY = "offload.bodyLimit";
}
