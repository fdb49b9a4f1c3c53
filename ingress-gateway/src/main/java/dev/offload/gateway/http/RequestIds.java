package dev.offload.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code X-Request-Id}: echoed when the client sent a sensible one, generated otherwise, and set on every response,
 * errors included. Runs on the event loop.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String KEY = "offload.requestId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private RequestIds() {}

    /** The route handler that assigns the id; install it first. */
    public static void assign(RoutingContext ctx) {
        String sent = ctx.request().getHeader(HEADER);
        String id = sent != null && ACCEPTED.matcher(sent).matches()
                ? sent
                : UUID.randomUUID().toString();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    public static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        return id == null ? "unknown" : id;
    }
}
