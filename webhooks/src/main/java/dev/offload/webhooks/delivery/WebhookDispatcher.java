package dev.offload.webhooks.delivery;

import dev.offload.store.WebhookEventType;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.DeliveryAttempt;
import dev.offload.webhooks.EndpointHealth;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.SigningSecret;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookEndpoint;
import dev.offload.webhooks.WebhookSecret;
import dev.offload.webhooks.WebhookSigner;
import dev.offload.webhooks.WebhookStore;
import dev.offload.webhooks.ssrf.UnsafeUrlException;
import dev.offload.webhooks.ssrf.UrlGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook events (design §5). One loop thread turns outbox events into durable deliveries (acknowledging an
 * event only once its deliveries are stored, and taking over events a dead dispatcher left unrecorded), and claims
 * due deliveries; each attempt runs on its own virtual thread (Jedis and the wait for the response block it, no event
 * loop). At most {@code webhooks.maxInFlight} attempts run at once, and at most {@code webhooks.endpointConcurrency}
 * per endpoint: a delivery whose endpoint is at its limit goes back to the schedule for a moment, so a slow receiver
 * holds only its own share. Any number of dispatchers may share one store.
 *
 * <p>{@link #start()} and {@link #stop()} are thread-safe and do not block for long.
 */
public final class WebhookDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 100;
    private static final Duration BUSY_ENDPOINT_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private final WebhookStore store;
    private final WebhookConfig config;
    private final Clock clock;
    private final UrlGuard guard;
    private final HttpSender sender;
    private final DeliveryMetrics metrics;
    private final String consumer = "dispatcher-" + UUID.randomUUID();
    private final Semaphore inFlight;
    private final Map<String, Semaphore> perEndpoint = new ConcurrentHashMap<>();
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("offload-webhook-", 0).factory());
    private volatile boolean running;
    private Thread loop;

    public WebhookDispatcher(Vertx vertx, WebhookStore store, WebhookConfig config, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.guard = new UrlGuard(config.allowHttp(), config.allowedNetworks());
        this.sender =
                new HttpSender(vertx, config.requestTimeout(), (int) config.responseBodyLimit(), config.maxInFlight());
        this.metrics = new DeliveryMetrics(meters);
        this.inFlight = new Semaphore(config.maxInFlight());
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        loop = Thread.ofPlatform().daemon().name("offload-webhook-dispatcher").start(this::run);
    }

    /** Stops claiming work and waits a little for attempts in flight; unfinished ones are retried by any dispatcher. */
    public synchronized void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5_000);
                attempts.shutdown();
                attempts.awaitTermination(config.requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        attempts.shutdownNow();
        sender.close();
    }

    private void run() {
        Instant nextReclaim = Instant.EPOCH;
        while (running) {
            boolean busy = false;
            try {
                Instant now = clock.instant();
                if (!now.isBefore(nextReclaim)) {
                    record(store.reclaimOutbox(consumer, config.reclaimAfter(), BATCH));
                    nextReclaim = now.plus(config.reclaimAfter().dividedBy(2));
                }
                List<OutboxEvent> events = store.readOutbox(consumer, BATCH);
                record(events);
                busy = events.size() == BATCH;
                busy |= claimDue();
                metrics.pending(store.pendingCount());
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("webhook dispatcher: {}", e.toString());
                }
            }
            if (!busy) {
                sleep(config.pollInterval());
            }
        }
    }

    private void record(List<OutboxEvent> events) {
        for (OutboxEvent read : events) {
            OutboxEvent event = WebhookEventType.PROGRESS.equals(read.type()) ? latestProgress(read) : read;
            String tenant = tenantOf(event);
            List<WebhookEndpoint> endpoints = tenant == null ? List.of() : store.endpoints(tenant);
            store.recordOutbox(event, plan(event, endpoints));
        }
    }

    /**
     * Progress is coalesced: while this event waited, the transition script added no other progress event of the job.
     * The flag is cleared first, then the job is read as it is now, so the receiver gets the latest progress and any
     * report after the read raises a new event.
     */
    private OutboxEvent latestProgress(OutboxEvent event) {
        store.clearProgressFlag(event.jobId());
        return store.currentJobRecord(event.jobId())
                .map(now -> new OutboxEvent(event.shard(), event.entryId(), event.type(), event.jobId(), now))
                .orElse(event);
    }

    /**
     * The event's deliveries. An entry that cannot be read (written by an incompatible version, or damaged) is
     * dropped with an error in the log: left pending, it would be reclaimed and fail again forever, and hold up the
     * entries behind it.
     */
    private List<Delivery> plan(OutboxEvent event, List<WebhookEndpoint> endpoints) {
        if (event.type() == null || event.jobRecord() == null) {
            LOG.error(
                    "dropping outbox entry {} of shard {}: it has no event type or job",
                    event.entryId(),
                    event.shard());
            return List.of();
        }
        try {
            return DeliveryPlanner.plan(event, endpoints, clock.instant());
        } catch (RuntimeException e) {
            LOG.error("dropping outbox entry {} (job {}): {}", event.entryId(), event.jobId(), e.toString());
            return List.of();
        }
    }

    private static String tenantOf(OutboxEvent event) {
        if (event.jobRecord() == null) {
            return null;
        }
        try {
            return dev.offload.model.Json.fromString(event.jobRecord(), dev.offload.model.Job.class)
                    .tenant();
        } catch (RuntimeException unreadable) {
            return null; // plan() drops it
        }
    }

    private boolean claimDue() {
        int free = inFlight.availablePermits();
        if (free == 0) {
            return false;
        }
        Duration hold = config.requestTimeout().plusSeconds(30);
        List<String> ids = store.claimDue(clock.instant(), free, hold);
        for (String id : ids) {
            inFlight.acquireUninterruptibly();
            attempts.execute(() -> {
                try {
                    attempt(id);
                } catch (RuntimeException e) {
                    LOG.warn("webhook delivery {}: {}", id, e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
        return ids.size() == free;
    }

    private void attempt(String id) {
        Optional<Delivery> found = store.delivery(id);
        if (found.isEmpty()) {
            return; // expired: its due entry goes with the next save of anything; nothing to send
        }
        Delivery delivery = found.get();
        if (!delivery.pending()) {
            store.saveDelivery(delivery); // finished (e.g. retried by hand meanwhile): no longer due
            return;
        }
        String limiterKey = delivery.endpointId() != null ? delivery.endpointId() : callbackReceiver(delivery.url());
        Semaphore limit = perEndpoint.computeIfAbsent(limiterKey, k -> new Semaphore(config.endpointConcurrency()));
        if (!limit.tryAcquire()) {
            store.saveDelivery(delivery.retryAt(clock.instant().plus(BUSY_ENDPOINT_PAUSE)));
            return;
        }
        try {
            deliver(delivery);
        } finally {
            limit.release();
        }
    }

    /** Callbacks are limited per receiving host and port (one map entry per receiver, not per URL). */
    private static String callbackReceiver(String url) {
        try {
            URI uri = URI.create(url);
            return "callback:" + uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return "callback:unparseable";
        }
    }

    private void deliver(Delivery delivery) {
        Instant now = clock.instant();
        EndpointHealth health = EndpointHealth.HEALTHY;
        List<WebhookSecret> secrets;
        if (delivery.endpointId() != null) {
            Optional<WebhookEndpoint> endpoint = store.endpoint(delivery.endpointId());
            if (endpoint.isEmpty()) {
                finish(delivery, attemptOf(delivery, now, null, 0, "the endpoint was deleted", null), false);
                return;
            }
            health = store.health(delivery.endpointId());
            if (health.disabled()) {
                finish(
                        delivery,
                        attemptOf(delivery, now, null, 0, "the endpoint is disabled: " + health.disabledReason(), null),
                        false);
                return;
            }
            secrets = SigningSecret.active(endpoint.get().secrets(), now);
        } else {
            secrets = callbackSecrets(delivery.tenant(), now);
        }
        Result result = send(delivery, secrets, now);
        apply(delivery, health, result, now);
    }

    /** The tenant's callback secrets; made on first use (the client gets one by rotating, see the API). */
    private List<WebhookSecret> callbackSecrets(String tenant, Instant now) {
        List<SigningSecret> stored = store.callbackSecrets(tenant);
        List<WebhookSecret> active = SigningSecret.active(stored, now);
        if (!active.isEmpty()) {
            return active;
        }
        WebhookSecret secret = WebhookSecret.generate();
        store.saveCallbackSecrets(tenant, List.of(new SigningSecret(secret.reveal(), null)));
        return List.of(secret);
    }

    /** The outcome of one attempt. {@code permanent}: no point retrying (refused address, 410). */
    private record Result(
            DeliveryAttempt attempt, boolean delivered, boolean permanent, boolean gone, Duration retryAfter) {}

    private Result send(Delivery delivery, List<WebhookSecret> secrets, Instant now) {
        URI uri;
        InetAddress address;
        try {
            uri = guard.check(delivery.url());
            address = guard.resolve(uri);
        } catch (UnsafeUrlException e) {
            return new Result(
                    attemptOf(delivery, now, null, 0, "refused: the URL " + e.getMessage(), null),
                    false,
                    true,
                    false,
                    null);
        } catch (UnknownHostException e) {
            return new Result(
                    attemptOf(delivery, now, null, 0, "the host does not resolve", null), false, false, false, null);
        }
        long timestamp = now.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Offload-Webhooks/1");
        headers.put("webhook-id", delivery.messageId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put(
                "webhook-signature",
                WebhookSigner.signature(delivery.messageId(), timestamp, delivery.body(), secrets));
        if (delivery.traceparent() != null) {
            headers.put("traceparent", delivery.traceparent());
        }
        long started = System.nanoTime();
        HttpSender.Response response = sender.post(uri, address, headers, delivery.body());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        int status = response.statusCode();
        boolean delivered = status >= 200 && status < 300;
        String error = response.error() != null
                ? response.error()
                : delivered
                        ? null
                        : status >= 300 && status < 400
                                ? "the receiver answered " + status + " (a redirect" + locationOf(response)
                                        + "), which is not followed"
                                : "the receiver answered " + status;
        metrics.attempt(delivered ? "delivered" : "failed", took);
        DeliveryAttempt attempt =
                attemptOf(delivery, now, status == 0 ? null : status, took.toMillis(), error, response.body());
        return new Result(attempt, delivered, status == 410, status == 410, retryAfter(response.retryAfter(), now));
    }

    private static String locationOf(HttpSender.Response response) {
        return response.location() == null ? "" : " to " + response.location();
    }

    private void apply(Delivery delivery, EndpointHealth health, Result result, Instant now) {
        if (result.delivered()) {
            finish(delivery, result.attempt(), true);
            if (delivery.endpointId() != null && health.failingSince() != null) {
                store.saveHealth(delivery.endpointId(), EndpointHealth.HEALTHY);
            }
            return;
        }
        if (delivery.endpointId() != null) {
            if (result.gone()) {
                disable(delivery.endpointId(), now, "the endpoint answered 410 Gone");
            } else {
                Instant failingSince = health.failingSince() == null ? now : health.failingSince();
                if (Duration.between(failingSince, now).compareTo(config.disableAfter()) >= 0) {
                    disable(
                            delivery.endpointId(),
                            now,
                            "no successful delivery since " + failingSince + " (webhooks.disableAfter "
                                    + config.disableAfter() + ")");
                    finish(delivery, result.attempt(), false);
                    return;
                }
                if (health.failingSince() == null) {
                    store.saveHealth(delivery.endpointId(), new EndpointHealth(now, null, null));
                }
            }
        }
        int made = delivery.attempts().size() + 1;
        if (result.permanent() || made >= config.retrySchedule().size()) {
            finish(delivery, result.attempt(), false);
            return;
        }
        Duration delay = jitter(config.retrySchedule().get(made));
        if (result.retryAfter() != null && result.retryAfter().compareTo(delay) > 0) {
            delay = result.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : result.retryAfter();
        }
        store.saveDelivery(delivery.after(result.attempt(), Delivery.PENDING, now.plus(delay)));
    }

    private void disable(String endpointId, Instant now, String reason) {
        EndpointHealth current = store.health(endpointId);
        if (!current.disabled()) {
            store.saveHealth(endpointId, new EndpointHealth(current.failingSince(), now, reason));
            metrics.endpointDisabled();
            LOG.info("webhook endpoint {} disabled: {}", endpointId, reason);
        }
    }

    private void finish(Delivery delivery, DeliveryAttempt attempt, boolean delivered) {
        store.saveDelivery(delivery.after(attempt, delivered ? Delivery.DELIVERED : Delivery.FAILED, null));
    }

    private static DeliveryAttempt attemptOf(
            Delivery delivery, Instant at, Integer status, long latencyMillis, String error, String body) {
        return new DeliveryAttempt(delivery.attempts().size() + 1, at, status, latencyMillis, error, body);
    }

    /** Up to 10% more, so that deliveries failing together do not all come back at the same instant. */
    private static Duration jitter(Duration delay) {
        long millis = delay.toMillis();
        return millis == 0
                ? delay
                : Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 10 + 1));
    }

    /** {@code Retry-After} in seconds or as an HTTP date; {@code null} if absent or unreadable. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
