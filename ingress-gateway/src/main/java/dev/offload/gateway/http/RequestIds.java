package dev.offload.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
        String id = sent != null && ACCEPTED.matcher(sent).matches() ? sent : generated();
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    /**
     * A random version-4 UUID. Request ids must be unique, not secret: a thread-local generator instead of
     * {@code UUID.randomUUID()}'s SecureRandom, which cost 0.7 % of the gateway's CPU at 4,000 requests/s.
     */
    static String generated() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // IETF variant
        return new UUID(high, low).toString();
    }

    public static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        return id == null ? "unknown" : id;
    }
}
