package dev.offload.webhooks.memory;

import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.WebhookEventType;
import dev.offload.store.WebhookOutboxSink;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.EndpointHealth;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.SigningSecret;
import dev.offload.webhooks.WebhookConfig;
import dev.offload.webhooks.WebhookEndpoint;
import dev.offload.webhooks.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link WebhookStore} of standalone mode (the embedded job store), in memory. It is also the embedded store's
 * {@link WebhookOutboxSink}, so events are taken under the store's write lock, as atomically as the Redis outbox. But
 * nothing here survives the process: endpoints, secrets, pending events and the delivery log are gone after a
 * restart (documented; standalone mode is for development and single-node use).
 *
 * <p>Thread-safe (one lock); never blocks on I/O.
 */
public final class InMemoryWebhookStore implements WebhookStore, WebhookOutboxSink {
    private static final int LOG_LIMIT = 1000;
    private static final int KEPT_FINISHED = 10_000;

    private final Object lock = new Object();
    private final Clock clock;
    private final Duration retention;
    private final Map<String, WebhookEndpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, EndpointHealth> health = new HashMap<>();
    private final Map<String, List<SigningSecret>> callbackSecrets = new HashMap<>();
    private final Deque<OutboxEvent> outbox = new ArrayDeque<>();
    private final Map<String, Read> unrecorded = new LinkedHashMap<>();
    private final Set<String> progressPending = new HashSet<>();
    private final Map<String, String> latestProgress = new HashMap<>();
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private final Map<String, Long> due = new HashMap<>();
    private long sequence;

    private record Read(OutboxEvent event, String consumer, Instant at) {}

    public InMemoryWebhookStore(WebhookConfig config, Clock clock) {
        this.clock = clock;
        this.retention = config.retention();
    }

    // ---- the embedded job store's sink -----------------------------------------------------------------------------

    @Override
    public boolean wants(String tenant) {
        synchronized (lock) {
            return endpoints.values().stream().anyMatch(e -> e.tenant().equals(tenant));
        }
    }

    @Override
    public void append(String type, Job job) {
        synchronized (lock) {
            String record = Json.toString(job);
            if (WebhookEventType.PROGRESS.equals(type)) {
                latestProgress.put(job.id(), record);
                if (!progressPending.add(job.id())) {
                    return; // coalesced behind the progress event already waiting
                }
            }
            String entryId = clock.millis() + "-" + sequence++;
            outbox.addLast(new OutboxEvent(JobId.shardOf(job.id()), entryId, type, job.id(), record));
        }
    }

    // ---- endpoints -------------------------------------------------------------------------------------------------

    @Override
    public void createEndpoint(WebhookEndpoint endpoint) {
        synchronized (lock) {
            endpoints.put(endpoint.id(), endpoint);
        }
    }

    @Override
    public Optional<WebhookEndpoint> endpoint(String id) {
        synchronized (lock) {
            return Optional.ofNullable(endpoints.get(id));
        }
    }

    @Override
    public List<WebhookEndpoint> endpoints(String tenant) {
        synchronized (lock) {
            return endpoints.values().stream()
                    .filter(e -> e.tenant().equals(tenant))
                    .toList();
        }
    }

    @Override
    public boolean deleteEndpoint(String tenant, String id) {
        synchronized (lock) {
            WebhookEndpoint endpoint = endpoints.get(id);
            if (endpoint == null || !endpoint.tenant().equals(tenant)) {
                return false;
            }
            endpoints.remove(id);
            health.remove(id);
            return true;
        }
    }

    @Override
    public void saveSecrets(WebhookEndpoint endpoint) {
        synchronized (lock) {
            endpoints.replace(endpoint.id(), endpoint);
        }
    }

    @Override
    public EndpointHealth health(String endpointId) {
        synchronized (lock) {
            return health.getOrDefault(endpointId, EndpointHealth.HEALTHY);
        }
    }

    @Override
    public void saveHealth(String endpointId, EndpointHealth value) {
        synchronized (lock) {
            if (endpoints.containsKey(endpointId)) {
                health.put(endpointId, value);
            }
        }
    }

    @Override
    public List<SigningSecret> callbackSecrets(String tenant) {
        synchronized (lock) {
            return callbackSecrets.getOrDefault(tenant, List.of());
        }
    }

    @Override
    public void saveCallbackSecrets(String tenant, List<SigningSecret> secrets) {
        synchronized (lock) {
            callbackSecrets.put(tenant, List.copyOf(secrets));
        }
    }

    // ---- outbox ----------------------------------------------------------------------------------------------------

    @Override
    public List<OutboxEvent> readOutbox(String consumer, int limit) {
        synchronized (lock) {
            List<OutboxEvent> read = new ArrayList<>();
            while (read.size() < limit && !outbox.isEmpty()) {
                OutboxEvent event = outbox.pollFirst();
                unrecorded.put(event.entryId(), new Read(event, consumer, clock.instant()));
                read.add(event);
            }
            return read;
        }
    }

    @Override
    public List<OutboxEvent> reclaimOutbox(String consumer, Duration minIdle, int limit) {
        synchronized (lock) {
            Instant idleSince = clock.instant().minus(minIdle);
            List<OutboxEvent> reclaimed = new ArrayList<>();
            for (Map.Entry<String, Read> entry : unrecorded.entrySet()) {
                if (reclaimed.size() >= limit) {
                    break;
                }
                if (!entry.getValue().at().isAfter(idleSince)) {
                    entry.setValue(new Read(entry.getValue().event(), consumer, clock.instant()));
                    reclaimed.add(entry.getValue().event());
                }
            }
            return reclaimed;
        }
    }

    @Override
    public void recordOutbox(OutboxEvent event, List<Delivery> planned) {
        synchronized (lock) {
            planned.forEach(this::createIfAbsent);
            unrecorded.remove(event.entryId());
        }
    }

    @Override
    public void clearProgressFlag(String jobId) {
        synchronized (lock) {
            progressPending.remove(jobId);
        }
    }

    @Override
    public Optional<String> currentJobRecord(String jobId) {
        synchronized (lock) {
            return Optional.ofNullable(latestProgress.remove(jobId));
        }
    }

    // ---- deliveries ------------------------------------------------------------------------------------------------

    @Override
    public void createDelivery(Delivery delivery) {
        synchronized (lock) {
            createIfAbsent(delivery);
        }
    }

    private void createIfAbsent(Delivery delivery) {
        if (deliveries.putIfAbsent(delivery.id(), delivery) == null) {
            due.put(delivery.id(), delivery.nextAttemptAt().toEpochMilli());
        }
    }

    @Override
    public List<String> claimDue(Instant now, int limit, Duration hold) {
        synchronized (lock) {
            List<String> claimed = due.entrySet().stream()
                    .filter(e -> e.getValue() <= now.toEpochMilli())
                    .sorted(Map.Entry.comparingByValue())
                    .limit(limit)
                    .map(Map.Entry::getKey)
                    .toList();
            long until = now.plus(hold).toEpochMilli();
            claimed.forEach(id -> due.put(id, until));
            return claimed;
        }
    }

    @Override
    public Optional<Delivery> delivery(String id) {
        synchronized (lock) {
            return Optional.ofNullable(deliveries.get(id));
        }
    }

    @Override
    public void saveDelivery(Delivery delivery) {
        synchronized (lock) {
            deliveries.put(delivery.id(), delivery);
            if (delivery.nextAttemptAt() != null) {
                due.put(delivery.id(), delivery.nextAttemptAt().toEpochMilli());
            } else {
                due.remove(delivery.id());
                forgetOldFinished();
            }
        }
    }

    /** Bounds the memory: finished deliveries past their retention, or beyond the newest few thousand, go. */
    private void forgetOldFinished() {
        if (deliveries.size() <= KEPT_FINISHED) {
            return;
        }
        Instant cutoff = clock.instant().minus(retention);
        deliveries.values().removeIf(d -> !d.pending() && d.createdAt().isBefore(cutoff));
        var iterator = deliveries.values().iterator();
        while (deliveries.size() > KEPT_FINISHED && iterator.hasNext()) {
            if (!iterator.next().pending()) {
                iterator.remove();
            }
        }
    }

    @Override
    public List<Delivery> deliveriesOfEndpoint(String endpointId, int limit) {
        return newest(d -> endpointId.equals(d.endpointId()), limit);
    }

    @Override
    public List<Delivery> deliveriesOfJob(String jobId, int limit) {
        return newest(d -> jobId.equals(d.jobId()), limit);
    }

    private List<Delivery> newest(java.util.function.Predicate<Delivery> filter, int limit) {
        synchronized (lock) {
            return deliveries.values().stream()
                    .filter(filter)
                    .sorted(Comparator.comparing(Delivery::createdAt).reversed())
                    .limit(Math.min(limit, LOG_LIMIT))
                    .toList();
        }
    }

    @Override
    public long pendingCount() {
        synchronized (lock) {
            return due.size();
        }
    }

    @Override
    public void close() {}
}
