package dev.offload.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.gateway.http.EntityTags;
import dev.offload.model.Job;
import dev.offload.model.Json;
import dev.offload.model.http.HttpRequestJob;
import dev.offload.model.http.HttpResponseResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Writes job documents and results with their validators: a strong {@code ETag} (a digest of the exact bytes sent,
 * so any visible change gives a new tag) and {@code Cache-Control}. Stateless; runs on the event loop.
 */
final class Documents {
    private Documents() {}

    static void send(RoutingContext ctx, Object document, String cacheControl) {
        send(ctx, document, cacheControl, null);
    }

    /** Sends the document, or 304 without it when {@code ifNoneMatch} (the request's, or null) names its ETag. */
    static void send(RoutingContext ctx, Object document, String cacheControl, String ifNoneMatch) {
        byte[] bytes = Json.toBytes(document);
        String etag = etag(bytes);
        var response = ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", cacheControl);
        if (EntityTags.matches(ifNoneMatch, etag)) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader("Content-Type", "application/json").end(Buffer.buffer(bytes));
    }

    /**
     * A finished result never changes: clients and private caches may keep it until the job expires, and revalidate
     * it with its ETag ({@code If-None-Match} → 304).
     */
    static void sendResult(RoutingContext ctx, Job job, Instant now, String ifNoneMatch) {
        JsonNode result =
                job.result() == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : job.result();
        long maxAge = Math.max(0, Duration.between(now, job.expiresAt()).toSeconds());
        String cacheControl = "private, max-age=" + maxAge + ", immutable";
        if (job.spec().type().equals(HttpRequestJob.TYPE) && result.isObject()) {
            replay(ctx, Json.MAPPER.convertValue(result, HttpResponseResult.class), cacheControl);
            return;
        }
        send(ctx, result, cacheControl, ifNoneMatch);
    }

    /**
     * Replays an offloaded request's upstream answer: its status, its header fields (hop-by-hop ones were dropped
     * when it was stored) and its body bytes unchanged. The upstream's own Cache-Control wins over ours.
     */
    private static void replay(RoutingContext ctx, HttpResponseResult answer, String cacheControl) {
        var response = ctx.response().setStatusCode(answer.status());
        answer.headers().forEach(h -> response.headers().add(h.name(), h.value()));
        if (!response.headers().contains("Cache-Control")) {
            response.putHeader("Cache-Control", cacheControl);
        }
        response.end(Buffer.buffer(answer.body()));
    }

    static String etag(Object document) {
        return etag(Json.toBytes(document));
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\""
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
