package dev.offload.gateway.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.http.StoreFailures;
import dev.offload.gateway.webhooks.WebhookViews.Items;
import dev.offload.gateway.webhooks.WebhookViews.SecretView;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.schema.JsonSchemas;
import dev.offload.schema.SchemaValidator;
import dev.offload.schema.SchemaViolation;
import dev.offload.store.JobStore;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.EndpointHealth;
import dev.offload.webhooks.EventTypes;
import dev.offload.webhooks.SigningSecret;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookEndpoint;
import dev.offload.webhooks.WebhookSecret;
import dev.offload.webhooks.WebhookStore;
import dev.offload.webhooks.ssrf.UnsafeUrlException;
import dev.offload.webhooks.ssrf.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The webhook API ({@code /v1/webhooks}, {@code /v1/jobs/{id}/deliveries}; design §3, §5), scoped to the caller's
 * tenant: another tenant's endpoint or job is 404. Handlers run on event loops; store calls and the DNS lookups of
 * the SSRF guard block, so they run on virtual threads and complete back on the caller's context. Thread-safe; one
 * instance serves all verticles of a gateway.
 */
public final class WebhookRoutes implements AutoCloseable {
    public static final String PATH = "/v1/webhooks";
    private static final int LOG_LIMIT = 100;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SchemaValidator CREATE =
            JsonSchemas.forResource(JsonSchemas.JSON_SCHEMA_DIRECTORY + "webhook-endpoint-create.schema.json", "");

    private final Vertx vertx;
    private final WebhookStore webhooks;
    private final JobStore jobs;
    private final WebhookConfig config;
    private final UrlGuard guard;
    private final Clock clock;
    private final ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("offload-webhook-api-", 0).factory());

    public WebhookRoutes(Vertx vertx, WebhookStore webhooks, JobStore jobs, WebhookConfig config, Clock clock) {
        this.vertx = vertx;
        this.webhooks = webhooks;
        this.jobs = jobs;
        this.config = config;
        this.guard = new UrlGuard(config.allowHttp(), config.allowedNetworks());
        this.clock = clock;
    }

    /** Mounts the routes behind API-key authentication. */
    public void mount(Router router, ApiKeyAuthenticator auth) {
        router.route(PATH).handler(auth::authenticate);
        router.route(PATH + "/*").handler(auth::authenticate);
        router.post(PATH).handler(WebhookRoutes::requireJson);
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
                .handler(this::create);
        router.get(PATH).handler(this::list);
        router.post(PATH + "/callback-secret").handler(this::rotateCallbackSecret);
        router.get(PATH + "/:webhookId").handler(this::get);
        router.delete(PATH + "/:webhookId").handler(this::delete);
        router.post(PATH + "/:webhookId/rotate-secret").handler(this::rotate);
        router.post(PATH + "/:webhookId/test").handler(this::test);
        router.get(PATH + "/:webhookId/deliveries").handler(this::endpointDeliveries);
        router.post(PATH + "/:webhookId/deliveries/:deliveryId/retry").handler(this::retry);
        // Authentication of /v1/jobs/* is mounted by the job routes.
        router.get("/v1/jobs/:id/deliveries").handler(this::jobDeliveries);
    }

    /**
     * Checks a job's {@code callbackUrl} as written (no DNS lookup: the dispatcher checks the resolved address when it
     * connects).
     *
     * @throws ApiException webhook-url-refused naming {@code /callbackUrl}
     */
    public void checkCallbackUrl(String url) {
        try {
            guard.check(url);
        } catch (UnsafeUrlException e) {
            throw refused("/callbackUrl", "callbackUrl " + e.getMessage());
        }
    }

    // ---- endpoints -------------------------------------------------------------------------------------------------

    private void create(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        JsonNode body = parse(ctx.body().buffer());
        String url = body.get("url").asText();
        URI uri = checked(url);
        WebhookSecret secret = WebhookSecret.generate();
        WebhookEndpoint endpoint = new WebhookEndpoint(
                "ep_" + randomId(),
                tenant,
                url,
                strings(body.get("events")),
                strings(body.get("types")),
                body.hasNonNull("description") ? body.get("description").asText() : null,
                clock.instant(),
                List.of(new SigningSecret(secret.reveal(), null)));
        blocking(() -> {
                    resolveChecked(uri);
                    webhooks.createEndpoint(endpoint);
                    return endpoint;
                })
                .onSuccess(created -> {
                    ctx.response().setStatusCode(201).putHeader("Location", PATH + "/" + created.id());
                    send(ctx, WebhookViews.endpoint(created, EndpointHealth.HEALTHY, secret.reveal()));
                })
                .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        blocking(() -> webhooks.endpoints(tenant).stream()
                        .map(e -> WebhookViews.endpoint(e, webhooks.health(e.id()), null))
                        .toList())
                .onSuccess(items -> send(ctx, new Items<>(items)))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        owned(ctx)
                .compose(e -> blocking(() -> WebhookViews.endpoint(e, webhooks.health(e.id()), null)))
                .onSuccess(view -> send(ctx, view))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        String id = ctx.pathParam("webhookId");
        blocking(() -> webhooks.deleteEndpoint(tenant, id))
                .onSuccess(deleted -> {
                    if (deleted) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        ctx.fail(notFound(id));
                    }
                })
                .onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx) {
        owned(ctx)
                .compose(e -> blocking(() -> {
                    Instant now = clock.instant();
                    Instant graceEnd = now.plus(config.rotationGrace());
                    WebhookSecret next = WebhookSecret.generate();
                    webhooks.saveSecrets(e.withSecrets(SigningSecret.rotate(e.secrets(), next, now, graceEnd)));
                    return new SecretView(next.reveal(), graceEnd);
                }))
                .onSuccess(view -> send(ctx, view))
                .onFailure(ctx::fail);
    }

    private void rotateCallbackSecret(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        blocking(() -> {
                    Instant now = clock.instant();
                    Instant graceEnd = now.plus(config.rotationGrace());
                    WebhookSecret next = WebhookSecret.generate();
                    List<SigningSecret> current = webhooks.callbackSecrets(tenant);
                    webhooks.saveCallbackSecrets(tenant, SigningSecret.rotate(current, next, now, graceEnd));
                    return new SecretView(next.reveal(), current.isEmpty() ? null : graceEnd);
                })
                .onSuccess(view -> send(ctx, view))
                .onFailure(ctx::fail);
    }

    private void test(RoutingContext ctx) {
        owned(ctx)
                .compose(e -> blocking(() -> {
                    Instant now = clock.instant();
                    String suffix = randomId();
                    String body = Json.toString(Map.of(
                            "type",
                            EventTypes.TEST,
                            "timestamp",
                            now.toString(),
                            "data",
                            Map.of("endpointId", e.id())));
                    Delivery delivery = Delivery.pending(
                            "dlv_test_" + suffix,
                            "msg_test_" + suffix,
                            e.tenant(),
                            e.id(),
                            e.url(),
                            null,
                            EventTypes.TEST,
                            body,
                            null,
                            now,
                            now);
                    webhooks.createDelivery(delivery);
                    return delivery;
                }))
                .onSuccess(d -> {
                    ctx.response().setStatusCode(202);
                    send(ctx, WebhookViews.delivery(d));
                })
                .onFailure(ctx::fail);
    }

    // ---- deliveries ------------------------------------------------------------------------------------------------

    private void endpointDeliveries(RoutingContext ctx) {
        owned(ctx)
                .compose(e -> blocking(() -> webhooks.deliveriesOfEndpoint(e.id(), LOG_LIMIT)))
                .onSuccess(found -> send(
                        ctx,
                        new Items<>(found.stream().map(WebhookViews::delivery).toList())))
                .onFailure(ctx::fail);
    }

    private void retry(RoutingContext ctx) {
        String deliveryId = ctx.pathParam("deliveryId");
        owned(ctx)
                .compose(e -> blocking(() -> {
                    Delivery delivery = webhooks.delivery(deliveryId)
                            .filter(d -> e.id().equals(d.endpointId()))
                            .orElseThrow(() -> ApiException.of(
                                    ErrorCode.NOT_FOUND, "endpoint " + e.id() + " has no delivery " + deliveryId));
                    Delivery again = delivery.retryAt(clock.instant());
                    webhooks.saveDelivery(again);
                    return again;
                }))
                .onSuccess(d -> {
                    ctx.response().setStatusCode(202);
                    send(ctx, WebhookViews.delivery(d));
                })
                .onFailure(ctx::fail);
    }

    private void jobDeliveries(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        String id = ctx.pathParam("id");
        if (!JobId.isWellFormed(id)) {
            ctx.fail(ApiException.of(
                    ErrorCode.MALFORMED_ID,
                    "'" + id + "' is not a job id; ids are 26-character ULIDs such as 01JD3V5X7Q8R9S0T1V2W3X4Y5Z"));
            return;
        }
        blocking(() -> {
                    if (jobs.find(id).filter(j -> j.tenant().equals(tenant)).isEmpty()) {
                        throw ApiException.of(ErrorCode.NOT_FOUND, "no job " + id);
                    }
                    return webhooks.deliveriesOfJob(id, LOG_LIMIT);
                })
                .onSuccess(found -> send(
                        ctx,
                        new Items<>(found.stream().map(WebhookViews::delivery).toList())))
                .onFailure(ctx::fail);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private Future<WebhookEndpoint> owned(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        String id = ctx.pathParam("webhookId");
        return blocking(() -> webhooks.endpoint(tenant, id).orElseThrow(() -> notFound(id)));
    }

    private URI checked(String url) {
        try {
            return guard.check(url);
        } catch (UnsafeUrlException e) {
            throw refused("/url", "url " + e.getMessage());
        }
    }

    /** The registration-time look-up: a name that resolves to a refused address is refused now, not at delivery. */
    private void resolveChecked(URI uri) {
        try {
            guard.resolve(uri);
        } catch (UnsafeUrlException e) {
            throw refused("/url", "url " + e.getMessage());
        } catch (UnknownHostException e) {
            throw refused("/url", "url names host " + uri.getHost() + ", which does not resolve");
        }
    }

    private static ApiException refused(String pointer, String message) {
        return ApiException.of(ErrorCode.WEBHOOK_URL_REFUSED, message, List.of(FieldError.body(pointer, message)));
    }

    private static JsonNode parse(Buffer body) {
        JsonNode json;
        try {
            json = body == null || body.length() == 0 ? null : Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw ApiException.of(ErrorCode.MALFORMED_JSON, "the request body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw ApiException.of(ErrorCode.MALFORMED_JSON, "the request body must be a JSON object");
        }
        List<SchemaViolation> violations = CREATE.validate(json);
        if (!violations.isEmpty()) {
            throw ApiException.invalid(
                    "the webhook endpoint is invalid: " + violations.get(0).pointer() + " "
                            + violations.get(0).message(),
                    violations.stream()
                            .map(v -> FieldError.body(v.pointer(), v.message()))
                            .toList());
        }
        return json;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    private static ApiException notFound(String id) {
        return ApiException.of(ErrorCode.NOT_FOUND, "no webhook endpoint " + id);
    }

    private static String randomId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String mediaType = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            ctx.fail(ApiException.of(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the endpoint as 'Content-Type: application/json'"));
            return;
        }
        ctx.next();
    }

    private static void send(RoutingContext ctx, Object body) {
        ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(Json.toBytes(body)));
    }

    /** Runs blocking work on a virtual thread; completes on the caller's context; store outages become 503. */
    private <T> Future<T> blocking(Supplier<T> work) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(work, virtualThreads);
        return Future.fromCompletionStage(result, vertx.getOrCreateContext()).recover(StoreFailures::translate);
    }

    @Override
    public void close() {
        virtualThreads.shutdown();
    }
}
