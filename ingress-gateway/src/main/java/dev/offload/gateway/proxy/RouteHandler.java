package dev.offload.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.http.ProblemHandler;
import dev.offload.gateway.jobs.JobRoutes;
import dev.offload.gateway.jobs.ResultKey;
import dev.offload.gateway.limits.RateLimiter;
import dev.offload.gateway.routes.HeaderRules;
import dev.offload.gateway.routes.RouteConfig;
import dev.offload.gateway.routes.RouteMode;
import dev.offload.gateway.routes.Routes;
import dev.offload.model.Json;
import dev.offload.model.http.HeaderField;
import dev.offload.model.http.HttpRequestJob;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configured routes on the API router: matches the request to the most specific route (404 if none, 405 if none
 * takes the method), authenticates it when the route says so, checks the route's rate limits (429 when one is used
 * up; before the body is read, the cache is asked or anything is queued), then proxies it ({@link SyncProxy}) or captures it as
 * a job of type {@value HttpRequestJob#TYPE} ({@link JobRoutes#offload}); {@code Prefer: respond-async} captures a
 * sync route's call too; a GET or HEAD of an async route with {@code cache.enabled} is first looked up by its
 * {@link ResultKey} (an identical earlier request's succeeded job answers it). Paths under {@code /v1/} never reach
 * it. Thread-safe; runs on the event loop.
 */
public final class RouteHandler {
    private static final String ROUTE = "offload.route";
    /** Headroom for the worker's own upstream timeout to fire before the attempt's timeout does. */
    private static final Duration ATTEMPT_SLACK = Duration.ofSeconds(30);

    private final Routes routes;
    private final SyncProxy proxy;
    private final JobRoutes jobs;
    private final ApiKeyAuthenticator auth;
    private final Map<String, BodyHandler> bodies = new HashMap<>();
    private final Map<String, Handler<RoutingContext>> rateLimits = new HashMap<>();

    /**
     * @param limiter checks the routes' {@code rateLimit} policies, which configuration validation guarantees exist
     */
    public RouteHandler(Routes routes, SyncProxy proxy, JobRoutes jobs, ApiKeyAuthenticator auth, RateLimiter limiter) {
        this.routes = routes;
        this.proxy = proxy;
        this.jobs = jobs;
        this.auth = auth;
        for (RouteConfig r : routes.all()) {
            bodies.put(r.name(), BodyHandler.create(false).setBodyLimit(r.maxBodySize()));
            if (!r.rateLimit().isEmpty()) {
                rateLimits.put(r.name(), limiter.handler(r.rateLimit()));
            }
        }
    }

    /** Mounts the routes after the job API; does nothing when no route is configured. */
    public void mount(Router router) {
        if (routes.all().isEmpty()) {
            return;
        }
        router.routeWithRegex("^(?!/v1(/|$)).*")
                .handler(this::match)
                .handler(this::authenticate)
                .handler(this::limitRate)
                .handler(this::readBodyIfCaptured)
                .handler(this::dispatch);
    }

    private void match(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Routes.Match match = routes.match(request.method().name(), request.path());
        if (match.route() == null) {
            ctx.fail(
                    match.pathMatched()
                            ? ApiException.of(
                                    ErrorCode.METHOD_NOT_ALLOWED,
                                    request.method() + " is not allowed on " + request.path())
                            : ApiException.of(ErrorCode.NOT_FOUND, "no resource at " + request.path()));
            return;
        }
        // Hold the body until it is either piped upstream or read for a job.
        request.pause();
        ctx.put(ROUTE, match.route());
        ctx.next();
    }

    private void authenticate(RoutingContext ctx) {
        if (route(ctx).auth()) {
            auth.authenticate(ctx);
        } else {
            ctx.next();
        }
    }

    /** After authentication, so that policies {@code by: apiKey} count per key; the body stays paused meanwhile. */
    private void limitRate(RoutingContext ctx) {
        Handler<RoutingContext> limit = rateLimits.get(route(ctx).name());
        if (limit == null) {
            ctx.next();
        } else {
            limit.handle(ctx);
        }
    }

    private void readBodyIfCaptured(RoutingContext ctx) {
        RouteConfig route = route(ctx);
        if (captured(ctx, route)) {
            ctx.put(ProblemHandler.BODY_LIMIT_KEY, route.maxBodySize());
            bodies.get(route.name()).handle(ctx);
            ctx.request().resume();
        } else {
            ctx.next();
        }
    }

    private void dispatch(RoutingContext ctx) {
        RouteConfig route = route(ctx);
        if (captured(ctx, route)) {
            HttpRequestJob request = capture(ctx, route);
            jobs.offload(
                    ctx,
                    HttpRequestJob.TYPE,
                    route.queue(),
                    toJson(request),
                    route.asyncTimeout().plus(ATTEMPT_SLACK),
                    resultKey(ctx, route, request));
        } else {
            proxy.forward(ctx, route);
        }
    }

    private static boolean captured(RoutingContext ctx, RouteConfig route) {
        return route.mode() == RouteMode.ASYNC || prefersAsync(ctx);
    }

    private static boolean prefersAsync(RoutingContext ctx) {
        for (String prefer : ctx.request().headers().getAll("Prefer")) {
            for (String token : prefer.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("respond-async")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Async routes with {@code cache.enabled} reuse the succeeded job of an identical earlier GET or HEAD: other
     * methods usually change something at the upstream, so each of their requests is a new job. A sync route's call
     * captured by {@code Prefer: respond-async} is not reused either: its cache is the HTTP response cache.
     */
    private static Optional<ResultKey> resultKey(RoutingContext ctx, RouteConfig route, HttpRequestJob request) {
        if (route.mode() != RouteMode.ASYNC
                || !route.cache().enabled()
                || !RouteConfig.CACHED_METHODS.contains(request.method())) {
            return Optional.empty();
        }
        return Optional.of(ResultKey.ofRouteRequest(
                ApiKeyAuthenticator.tenant(ctx),
                request,
                HeaderRules::identifiesRequest,
                route.cache().ttl()));
    }

    private static HttpRequestJob capture(RoutingContext ctx, RouteConfig route) {
        HttpServerRequest in = ctx.request();
        List<HeaderField> headers = new ArrayList<>();
        for (HeaderField h : HeaderRules.requestFields(in.headers(), route)) {
            String name = h.name().toLowerCase(Locale.ROOT);
            // Prefer and Idempotency-Key were meant for the gateway, not the upstream.
            if (!HeaderRules.isForwarding(h.name()) && !name.equals("prefer") && !name.equals("idempotency-key")) {
                headers.add(h);
            }
        }
        String scheme = in.scheme() == null ? "http" : in.scheme();
        String host = in.authority() == null ? null : in.authority().toString();
        String client =
                in.remoteAddress() == null ? "unknown" : in.remoteAddress().hostAddress();
        headers.addAll(HeaderRules.forwardingFields(in.headers(), client, scheme, host));
        Buffer body = ctx.body().buffer();
        return new HttpRequestJob(
                route.name(),
                route.upstreams().stream().map(URI::toString).toList(),
                in.method().name(),
                in.path(),
                in.query(),
                headers,
                body == null ? new byte[0] : body.getBytes(),
                route.asyncTimeout(),
                route.retryOn(),
                route.maxResponseSize());
    }

    private static JsonNode toJson(HttpRequestJob job) {
        try {
            // Through bytes, so the body is a base64 text node exactly as the store will give it back.
            return Json.MAPPER.readTree(Json.toBytes(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RouteConfig route(RoutingContext ctx) {
        return ctx.get(ROUTE);
    }
}
