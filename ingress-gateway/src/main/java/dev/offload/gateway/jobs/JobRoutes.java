package dev.offload.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.gateway.GatewayConfig;
import dev.offload.gateway.JobDefaults;
import dev.offload.gateway.auth.ApiKeyAuthenticator;
import dev.offload.gateway.cache.AsyncCacheStore;
import dev.offload.gateway.cache.CacheMetrics;
import dev.offload.gateway.cache.CacheStatus;
import dev.offload.gateway.http.ApiException;
import dev.offload.gateway.http.ApiException.FieldError;
import dev.offload.gateway.http.EntityTags;
import dev.offload.gateway.http.ErrorCode;
import dev.offload.gateway.jobs.RequestHeaders.Preferences;
import dev.offload.gateway.jobs.SubmissionReader.Submission;
import dev.offload.gateway.limits.Limits;
import dev.offload.model.Job;
import dev.offload.model.JobDocument;
import dev.offload.model.JobEnvelope;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.JobState;
import dev.offload.store.CreateResult;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.store.JobWrites;
import dev.offload.transport.JobPublisher;
import dev.offload.transport.TransportUnavailableException;
import dev.offload.transport.UnroutableJobException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job API ({@code /v1/jobs}, design §3). Handlers run on event loops; store calls go through
 * {@link AsyncJobStore} (virtual threads) and broker calls through the non-blocking {@link JobPublisher}. Each chain
 * ends once: success writes the response, failure goes to {@code ctx.fail} and the problem handler.
 *
 * <p>Accept path: store the job (queued, unpublished, with a timer) together with its idempotency key in one atomic
 * write → publish and wait for the broker's ack → record the publication → 202. If the broker refuses, the job is
 * abandoned (deleted with its key) and the client gets 503, so no live job is left that nobody will run; if the
 * gateway dies between the store write and the ack, the timer makes the scheduler publish the job. Recording the
 * publication drops that timer; for a job with an Idempotency-Key it also marks the record published, before the
 * 202, so that a repeat of the request can tell an accepted job from one still being accepted. A broker that
 * keeps failing opens its circuit breaker ({@link GuardedPublisher}): the publish then fails at once, and the job is
 * abandoned the same way.
 *
 * <p>Cacheable job types ({@code jobs.cacheableTypes}) and GET/HEAD requests of async routes with
 * {@code cache.enabled}: before that, the {@link JobResultCache} is asked for an identical earlier submission of the
 * tenant ({@link ResultKey}); if it succeeded, its document is the answer (200, {@code X-Cache: HIT}) and nothing is
 * enqueued.
 */
public final class JobRoutes {
    public static final String PATH = "/v1/jobs";
    private static final Logger LOG = LoggerFactory.getLogger(JobRoutes.class);
    private static final Duration RETRY_AFTER_UNAVAILABLE = Duration.ofSeconds(5);

    private final GatewayConfig config;
    private final AsyncJobStore store;
    private final GuardedPublisher publisher;
    private final JobWatchers watchers;
    private final SubmissionReader reader;
    private final Clock clock;
    private final JobMetrics metrics;
    private final JobResultCache resultCache;
    private final Limits limits;
    private final ShardRotation shards = ShardRotation.startingAnywhere();

    /**
     * The routes of one gateway process; share one instance among its verticles.
     *
     * @param breakers where the circuit breakers of the store and the broker are registered
     */
    public JobRoutes(
            Vertx vertx,
            GatewayConfig config,
            JobStore store,
            JobWrites writes,
            AsyncCacheStore cache,
            CacheMetrics cacheMetrics,
            JobPublisher publisher,
            Limits limits,
            Consumer<String> callbackUrlCheck,
            Clock clock,
            MeterRegistry meters,
            CircuitBreakerRegistry breakers) {
        this.config = config;
        this.limits = limits;
        this.store = new AsyncJobStore(vertx, store, writes, config.maxStoreCalls(), breakers);
        this.publisher = new GuardedPublisher(publisher, config.queues(), config.brokerBreaker(), breakers);
        this.watchers = new JobWatchers(vertx, store, config.maxWaitingRequests());
        this.reader = new SubmissionReader(config.jobs(), callbackUrlCheck);
        this.clock = clock;
        this.metrics = new JobMetrics(meters, watchers::size, this.store::inFlight);
        this.resultCache = new JobResultCache(cache, cacheMetrics, config.jobs().cacheableTypes());
    }

    /** Mounts the routes on a verticle's router, behind API-key authentication. */
    public void mount(Router router, ApiKeyAuthenticator auth) {
        // "/v1/jobs/*" matches "/v1/jobs" too: one route, so that each request is authenticated and counted once.
        router.route(PATH + "/*")
                .handler(auth::authenticate)
                .handler(limits.rateLimiter().handler(limits.config().jobApi()));
        // Shedding refuses new submissions only: polls keep working, so clients can collect what was accepted.
        router.post(PATH).handler(limits.shedder()::handle);
        // The content type is checked on a route of its own, before the body is read: Vert.x wants a route's body
        // handler ahead of its user handlers, and a 415 should not wait for (or buffer) the whole body.
        router.post(PATH).handler(JobRoutes::requireJson);
        router.post(PATH).handler(bodyHandler()).handler(this::submit);
        router.get(PATH).handler(this::list);
        router.get(PATH + "/:id").handler(this::get);
        router.get(PATH + "/:id/result").handler(this::result);
        router.delete(PATH + "/:id").handler(this::cancel);
    }

    /** Stops the event subscription and the store's virtual threads. */
    public void close() {
        watchers.close();
        store.close();
    }

    private BodyHandler bodyHandler() {
        return BodyHandler.create(false).setBodyLimit(config.maxBodySize());
    }

    private static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (!RequestHeaders.isJson(type)) {
            ctx.fail(ApiException.of(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the job as 'Content-Type:" + " application/json'"
                            + (type == null ? "" : ", not '" + type + "'")));
            return;
        }
        ctx.next();
    }

    // ---- POST /v1/jobs ---------------------------------------------------------------------------------------

    private void submit(RoutingContext ctx) {
        Instant now = clock.instant();
        String key = RequestHeaders.idempotencyKey(ctx.request().getHeader("Idempotency-Key"));
        Preferences prefer = RequestHeaders.prefer(ctx.request().headers().getAll("Prefer"));
        String fingerprint = key == null ? null : fingerprint(ctx);
        Submission submission = reader.read(
                ctx.body().buffer(),
                RequestHeaders.traceparent(ctx.request().getHeader("traceparent")),
                key,
                fingerprint,
                now);
        JobSpec spec = submission.spec();
        Optional<ResultKey> reuse = resultCache.keyOf(ApiKeyAuthenticator.tenant(ctx), spec);
        acceptAndRespond(ctx, spec, submission.runAt(), prefer, now, reuse);
    }

    /**
     * Accepts a job captured by an offload route exactly as {@code POST /v1/jobs} accepts a submission (durable in
     * the store and acknowledged by the broker before the 202; {@code Idempotency-Key} and {@code Prefer: wait}
     * honoured) and answers the request. The caller must be authenticated.
     *
     * @param type the job type, e.g. {@code http}
     * @param queue the queue
     * @param payload the captured request
     * @param timeout the per-attempt timeout
     * @param reuse the key under which an identical earlier request's succeeded job answers this one (200,
     *     {@code X-Cache: HIT}) instead of a new job; empty: always a new job
     */
    public void offload(
            RoutingContext ctx,
            String type,
            String queue,
            JsonNode payload,
            Duration timeout,
            Optional<ResultKey> reuse) {
        Instant now = clock.instant();
        String key = RequestHeaders.idempotencyKey(ctx.request().getHeader("Idempotency-Key"));
        Preferences prefer = RequestHeaders.prefer(ctx.request().headers().getAll("Prefer"));
        JobDefaults defaults = config.jobs();
        JobSpec spec = new JobSpec(
                type,
                queue,
                0,
                payload,
                Map.of(),
                null,
                RequestHeaders.traceparent(ctx.request().getHeader("traceparent")),
                defaults.maxAttempts(),
                timeout,
                defaults.retention(),
                key,
                key == null ? null : fingerprint(ctx));
        acceptAndRespond(ctx, spec, null, prefer, now, reuse);
    }

    private void acceptAndRespond(
            RoutingContext ctx,
            JobSpec spec,
            Instant runAt,
            Preferences prefer,
            Instant now,
            Optional<ResultKey> reuse) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        String key = spec.idempotencyKey();
        String fingerprint = spec.fingerprint();
        String id = JobId.next(now, key == null ? shards.shardAt(now) : JobId.shardFor(tenant, key));
        Job job = runAt == null
                ? Job.queued(id, tenant, spec, now, config.jobs().publishGrace())
                : Job.scheduled(id, tenant, spec, now, runAt);

        if (reuse.isEmpty()) {
            enqueue(ctx, job, fingerprint, prefer, reuse);
            return;
        }
        ResultKey resultKey = reuse.get();
        if (key != null || noCache(ctx)) {
            // An Idempotency-Key's rules (same 202, 422 for another request) come first; no-cache asks for a new run.
            resultCache.recordBypass(resultKey);
            enqueue(ctx, job, fingerprint, prefer, reuse);
            return;
        }
        earlierResult(tenant, job, resultKey)
                .onSuccess(earlier -> {
                    if (earlier.isPresent()) {
                        resultCache.record(resultKey, CacheStatus.HIT);
                        respondCached(ctx, earlier.get());
                    } else {
                        resultCache.record(resultKey, CacheStatus.MISS);
                        enqueue(ctx, job, fingerprint, prefer, reuse);
                    }
                })
                .onFailure(ctx::fail);
    }

    /**
     * Stores, publishes and answers a new job; one with a {@code reuse} key is remembered under it and answered with
     * {@code X-Cache: MISS}.
     */
    private void enqueue(
            RoutingContext ctx, Job job, String fingerprint, Preferences prefer, Optional<ResultKey> reuse) {
        Instant now = job.createdAt();
        capReached(job.tenant(), job.spec().idempotencyKey())
                .compose(atCap -> create(job, atCap))
                .compose(created -> switch (created) {
                    case CreateResult.Created c ->
                        accept(c.job())
                                .onSuccess(accepted ->
                                        reuse.ifPresent(k -> resultCache.remember(k, accepted, clock.instant())));
                    case CreateResult.Duplicate d -> replay(d.existing(), fingerprint, now);
                })
                .compose(accepted -> awaitIfPreferred(accepted, prefer))
                .onSuccess(accepted -> {
                    if (reuse.isPresent()) {
                        ctx.response().putHeader("X-Cache", CacheStatus.MISS.name());
                    }
                    respondSubmitted(ctx, accepted, prefer);
                })
                .onFailure(ctx::fail);
    }

    /** The tenant's latest job under {@code key}, if it succeeded, is still stored and is not too old. */
    private Future<Optional<Job>> earlierResult(String tenant, Job job, ResultKey key) {
        return resultCache
                .latestJob(key)
                .compose(id -> id.isEmpty()
                        ? Future.succeededFuture(Optional.<Job>empty())
                        : store.call(s -> s.find(id.get()))
                                .map(found -> found.filter(earlier ->
                                        JobResultCache.answers(earlier, tenant, job.spec(), key, clock.instant()))));
    }

    /**
     * A cacheable job's (or cached route request's) earlier, finished twin: 200 with its document, as if {@code
     * Prefer: wait} had seen it end.
     */
    private static void respondCached(RoutingContext ctx, Job earlier) {
        ctx.response()
                .setStatusCode(200)
                .putHeader("Location", PATH + "/" + earlier.id())
                .putHeader("X-Cache", CacheStatus.HIT.name())
                .putHeader("Vary", "Prefer");
        Documents.send(ctx, JobDocument.of(earlier), "private, max-age=60");
    }

    private static boolean noCache(RoutingContext ctx) {
        return ctx.request().headers().getAll("Cache-Control").stream()
                .anyMatch(value -> value.toLowerCase(java.util.Locale.ROOT).contains("no-cache"));
    }

    /**
     * Whether the tenant has reached its cap of unfinished jobs ({@code limits.maxUnfinishedJobs}). Fails with 429 if
     * it has and the request cannot be a repeat of an accepted one; a request with an Idempotency-Key goes on (true),
     * so that a repeat still gets its job, and {@link #create} turns a new job into the 429 then.
     */
    private Future<Boolean> capReached(String tenant, String idempotencyKey) {
        if (!limits.capsUnfinishedJobs()) {
            return Future.succeededFuture(false);
        }
        return store.call(s -> s.unfinished(tenant)).compose(unfinished -> {
            if (limits.admitsAnotherJob(unfinished)) {
                return Future.succeededFuture(false);
            }
            return idempotencyKey == null ? Future.failedFuture(limits.overCap()) : Future.succeededFuture(true);
        });
    }

    /**
     * Creates the job. At the cap only a duplicate is answered: a new job is abandoned at once, never published (its
     * creation event has been emitted; watchers then find no job).
     */
    private Future<CreateResult> create(Job job, boolean atCap) {
        return store.create(job, config.jobs().idempotencyTtl()).compose(created -> {
            if (atCap && created instanceof CreateResult.Created c) {
                return store.call(s -> s.abandon(c.job())).transform(ignored -> Future.failedFuture(limits.overCap()));
            }
            return Future.succeededFuture(created);
        });
    }

    private Future<Job> accept(Job job) {
        if (job.state() != JobState.QUEUED) {
            metrics.submitted(job);
            return Future.succeededFuture(job); // scheduled: the scheduler publishes it when due
        }
        Future<Void> published =
                publisher.publish(JobEnvelope.of(job, clock.instant())).recover(failure -> abandon(job, failure));
        if (job.spec().idempotencyKey() != null) {
            // A repeat of this request reads the flag to tell "accepted" from "still being accepted" (409), so the
            // 202 waits for it, written into the record.
            return published.compose(ok -> markPublished(job)).onSuccess(metrics::submitted);
        }
        // Nobody but the scheduler cares whether a job without an Idempotency-Key was published, and it only looks
        // at jobs whose timer fires: dropping the timer is enough (one small script, no rewrite of the record, no
        // event), and the 202 need not wait for it. If it is lost, the scheduler publishes the job again after
        // jobs.publishGrace, and the duplicate message finds the job claimed or finished (a lost CAS).
        return published.map(ok -> {
            store.confirmPublished(job)
                    .onFailure(e -> LOG.warn("job {}: could not record its publication: {}", job.id(), e.toString()));
            metrics.submitted(job);
            return job;
        });
    }

    private Future<Void> abandon(Job job, Throwable failure) {
        metrics.rejected(failure);
        ApiException unavailable =
                switch (failure) {
                    case BrokerBreakerOpenException e -> ApiException.unavailable(e.getMessage(), e.retryAfter());
                    case TransportUnavailableException e ->
                        ApiException.unavailable(
                                "the job broker did not accept the job in time; nothing was queued, retry later",
                                RETRY_AFTER_UNAVAILABLE);
                    case UnroutableJobException e ->
                        ApiException.unavailable(
                                "queue '" + job.spec().queue() + "' is missing on the job broker, so nothing was"
                                        + " queued; an operator must restore it (restarting Offload declares it"
                                        + " again)",
                                RETRY_AFTER_UNAVAILABLE);
                    default ->
                        ApiException.unavailable(
                                "the job could not be queued; nothing was queued, retry later",
                                RETRY_AFTER_UNAVAILABLE);
                };
        return store.call(s -> s.abandon(job)).transform(ignored -> Future.failedFuture(unavailable));
    }

    private Future<Job> markPublished(Job job) {
        return store.compareAndSet(job, job.markPublished(clock.instant()))
                .compose(written -> written.isPresent()
                        ? Future.succeededFuture(written.get())
                        // A fast worker may have claimed (or a client cancelled) the job already: show what is
                        // stored now.
                        : store.call(s -> s.find(job.id()).orElse(job)));
    }

    private Future<Job> replay(Job existing, String fingerprint, Instant now) {
        if (!Objects.equals(existing.spec().fingerprint(), fingerprint)) {
            return Future.failedFuture(ApiException.of(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was already used for a different request (job " + existing.id()
                            + "); use a new key for a new job"));
        }
        boolean stillAccepting = existing.state() == JobState.QUEUED
                && !existing.published()
                && existing.createdAt().plus(config.jobs().publishGrace()).isAfter(now);
        if (stillAccepting) {
            return Future.failedFuture(ApiException.of(
                            ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS,
                            "the first request with this Idempotency-Key is still being accepted; retry shortly")
                    .with("retryAfterSeconds", 1));
        }
        return Future.succeededFuture(existing);
    }

    private Future<Job> awaitIfPreferred(Job job, Preferences prefer) {
        if (prefer.waitFor() == null || job.state().isTerminal()) {
            return Future.succeededFuture(job);
        }
        return awaitChange(job.id(), JobState::isTerminal, capped(prefer.waitFor()))
                .map(found -> found.orElse(job));
    }

    private void respondSubmitted(RoutingContext ctx, Job job, Preferences prefer) {
        boolean finished = prefer.waitFor() != null && job.state().isTerminal();
        var response = ctx.response()
                .setStatusCode(finished ? 200 : 202)
                .putHeader("Location", PATH + "/" + job.id())
                .putHeader("Vary", "Prefer");
        String applied = applied(prefer);
        if (applied != null) {
            response.putHeader("Preference-Applied", applied);
        }
        if (!finished) {
            response.putHeader("Retry-After", "1");
        }
        Documents.send(ctx, JobDocument.of(job), job.state().isTerminal() ? "private, max-age=60" : "no-cache");
    }

    private String applied(Preferences prefer) {
        if (prefer.waitFor() == null) {
            return prefer.respondAsync() ? "respond-async" : null;
        }
        String wait = "wait=" + capped(prefer.waitFor()).toSeconds();
        return prefer.respondAsync() ? "respond-async, " + wait : wait;
    }

    // ---- GET /v1/jobs/{id} -------------------------------------------------------------------------------------

    private void get(RoutingContext ctx) {
        String id = jobId(ctx);
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        String ifNoneMatch = ctx.request().getHeader("If-None-Match");
        Duration wait = requestedWait(ctx);
        Future<Job> job = wait.isZero() ? owned(id, tenant) : longPoll(id, tenant, ifNoneMatch, wait);
        job.onSuccess(found -> respondJob(ctx, found, ifNoneMatch)).onFailure(ctx::fail);
    }

    /**
     * The job once its state differs from the state this request first read, or as it is after {@code wait}. The
     * watch begins before that read and keeps the events that arrive meanwhile, so a change between the read and the
     * wait is not missed, and the job is read once before the wait and once after it.
     */
    private Future<Job> longPoll(String id, String tenant, String ifNoneMatch, Duration wait) {
        JobWatchers.Watch watch = watchers.watch(id, wait);
        return owned(id, tenant)
                .compose(current -> {
                    boolean answerNow = current.state().isTerminal()
                            || (ifNoneMatch != null
                                    && !EntityTags.matches(ifNoneMatch, Documents.etag(JobDocument.of(current))));
                    if (answerNow) {
                        watch.cancel();
                        return Future.succeededFuture(current);
                    }
                    return watch.until(event -> event.version() > current.version() && event.state() != current.state())
                            .compose(event -> store.call(s -> s.find(id)))
                            .map(found ->
                                    found.filter(j -> j.tenant().equals(tenant)).orElse(current));
                })
                .onFailure(e -> watch.cancel());
    }

    private void respondJob(RoutingContext ctx, Job job, String ifNoneMatch) {
        JobDocument document = JobDocument.of(job);
        var response = ctx.response();
        if (!job.state().isTerminal()) {
            response.putHeader("Retry-After", "1");
        }
        if (job.state() == JobState.SUCCEEDED) {
            response.putHeader("Link", "<" + document.links().result() + ">; rel=\"result\"");
        }
        String cacheControl = job.state().isTerminal() ? "private, max-age=60" : "no-cache";
        Documents.send(ctx, document, cacheControl, ifNoneMatch);
    }

    // ---- GET /v1/jobs/{id}/result ------------------------------------------------------------------------------

    private void result(RoutingContext ctx) {
        String id = jobId(ctx);
        owned(id, ApiKeyAuthenticator.tenant(ctx))
                .onSuccess(job -> {
                    switch (job.state()) {
                        case SUCCEEDED ->
                            Documents.sendResult(
                                    ctx, job, clock.instant(), ctx.request().getHeader("If-None-Match"));
                        case FAILED, CANCELLED ->
                            ctx.fail(ApiException.of(
                                            ErrorCode.JOB_NOT_SUCCEEDED,
                                            "job " + id + " is " + job.state().wireName() + " and has no result")
                                    .with("job", JobDocument.of(job)));
                        default ->
                            ctx.fail(ApiException.of(
                                    ErrorCode.NOT_FOUND,
                                    "job " + id + " has no result yet" + " (it is "
                                            + job.state().wireName() + "); poll " + PATH + "/" + id));
                    }
                })
                .onFailure(ctx::fail);
    }

    // ---- DELETE /v1/jobs/{id} ----------------------------------------------------------------------------------

    private void cancel(RoutingContext ctx) {
        String id = jobId(ctx);
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        store.call(s -> cancel(s, id, tenant))
                .onSuccess(job -> {
                    ctx.response().setStatusCode(job.state() == JobState.CANCELLED ? 200 : 202);
                    Documents.send(ctx, JobDocument.of(job), "no-cache");
                })
                .onFailure(ctx::fail);
    }

    /** A compare-and-set loop: another writer (a worker claiming the job) may win the race; re-read and decide. */
    private Job cancel(JobStore s, String id, String tenant) {
        while (true) {
            Job job = s.find(id).filter(j -> j.tenant().equals(tenant)).orElseThrow(() -> notFound(id));
            if (job.state().isTerminal()) {
                throw ApiException.of(
                                ErrorCode.JOB_ALREADY_FINISHED,
                                "job " + id + " already " + job.state().wireName() + " and cannot be cancelled")
                        .with("job", JobDocument.of(job));
            }
            if (job.cancelRequested()) {
                return job;
            }
            Optional<Job> written = s.compareAndSet(job, job.cancel(clock.instant()));
            if (written.isPresent()) {
                return written.get();
            }
        }
    }

    // ---- GET /v1/jobs ------------------------------------------------------------------------------------------

    private void list(RoutingContext ctx) {
        String tenant = ApiKeyAuthenticator.tenant(ctx);
        JobQuery query = ListQueries.parse(ctx);
        store.call(s -> s.list(tenant, query))
                .recover(failure -> Future.failedFuture(
                        failure instanceof IllegalArgumentException
                                ? ApiException.of(
                                        ErrorCode.MALFORMED_REQUEST,
                                        "the cursor is not valid; use the nextCursor" + " of a previous page",
                                        List.of(FieldError.parameter("cursor", failure.getMessage())))
                                : failure))
                .onSuccess(page -> ListQueries.respond(ctx, page, query))
                .onFailure(ctx::fail);
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    /**
     * Waits until the job's state satisfies {@code done} or {@code wait} passes, then reads it. The watch is
     * registered before the read so that a change between the two cannot be missed.
     */
    private Future<Optional<Job>> awaitChange(String id, Predicate<JobState> done, Duration wait) {
        JobWatchers.Watch watch = watchers.watch(id, event -> done.test(event.state()), wait);
        return store.call(s -> s.find(id)).compose(current -> {
            if (current.isEmpty() || done.test(current.get().state())) {
                watch.cancel();
                return Future.succeededFuture(current);
            }
            return watch.future().compose(event -> store.call(s -> s.find(id)));
        });
    }

    private Future<Job> owned(String id, String tenant) {
        return store.call(s -> s.find(id))
                .compose(found -> found.filter(job -> job.tenant().equals(tenant))
                        .map(Future::succeededFuture)
                        .orElseGet(() -> Future.failedFuture(notFound(id))));
    }

    private static ApiException notFound(String id) {
        return ApiException.of(ErrorCode.NOT_FOUND, "no job " + id);
    }

    private static String jobId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!JobId.isWellFormed(id)) {
            throw ApiException.of(
                    ErrorCode.MALFORMED_ID,
                    "'" + id + "' is not a job id; ids are 26-character" + " ULIDs such as 01JD3V5X7Q8R9S0T1V2W3X4Y5Z");
        }
        return id;
    }

    private Duration requestedWait(RoutingContext ctx) {
        String query = ctx.request().getParam("wait");
        if (query != null) {
            return capped(Duration.ofSeconds(
                    RequestHeaders.seconds(query, FieldError.parameter("wait", "not a whole number of seconds"))));
        }
        Preferences prefer = RequestHeaders.prefer(ctx.request().headers().getAll("Prefer"));
        return prefer.waitFor() == null ? Duration.ZERO : capped(prefer.waitFor());
    }

    private Duration capped(Duration wait) {
        return wait.compareTo(config.maxWait()) > 0 ? config.maxWait() : wait;
    }

    private static String fingerprint(RoutingContext ctx) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((ctx.request().method() + " " + ctx.request().path() + "\n").getBytes());
            digest.update(
                    ctx.body().buffer() == null
                            ? new byte[0]
                            : ctx.body().buffer().getBytes());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
