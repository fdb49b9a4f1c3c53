package dev.offload.store.embedded;

import dev.offload.model.Job;
import dev.offload.model.JobEvent;
import dev.offload.model.JobId;
import dev.offload.model.Json;
import dev.offload.store.CreateResult;
import dev.offload.store.JobCursor;
import dev.offload.store.JobPage;
import dev.offload.store.JobQuery;
import dev.offload.store.JobStore;
import dev.offload.store.WebhookEventType;
import dev.offload.store.WebhookOutboxSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobStore} of standalone mode, in one file {@code <dataDir>/jobs.mv.db}.
 *
 * <p>Built on H2's MVStore: a pure-Java, single-file, append-only store of ordered maps that recovers to its last
 * commit after a crash. It gives what a single process needs (ordered keys for the timer and listing indexes,
 * atomic commits, no server) without a SQL layer to map jobs through, and it is one small jar.
 *
 * <p>Maps (all keyed by strings whose order is the index order):
 *
 * <ul>
 *   <li>{@code jobs}: id → job JSON
 *   <li>{@code idempotency}: tenant NUL key → expiry millis : id
 *   <li>{@code timers}: deadline millis : id → "" (ordered by deadline), and {@code timerOf}: id → its timer key
 *   <li>{@code tenants}: tenant NUL created millis : id → "" (read backwards for newest first)
 *   <li>{@code expiries}: expiry millis : id → "" (for the periodic cleanup)
 * </ul>
 *
 * <p>Writes are serialised by one lock and committed before they return; creations and terminal writes are also
 * forced to disk (fsync), so an accepted or finished job survives a crash. Intermediate writes (running, progress,
 * leases) are committed but may be lost by a power failure; the job then runs again, which at-least-once delivery
 * allows. Expired jobs and keys are ignored on read and removed by a cleanup every {@code cleanupInterval}. Events are
 * delivered on one store-owned thread, in write order, never under the lock.
 *
 * <p>Thread-safe; methods block on file I/O. One instance per directory (the file is locked).
 */
final class EmbeddedJobStore implements JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedJobStore.class);
    private static final char SEPARATOR = '\u0000';

    private final Path file;
    private final Clock clock;
    private final MVStore store;
    private final MVMap<String, String> jobs;
    private final MVMap<String, String> idempotency;
    private final MVMap<String, String> timers;
    private final MVMap<String, String> timerOf;
    private final MVMap<String, String> tenants;
    private final MVMap<String, String> expiries;
    /** tenant → unfinished jobs, changed under {@link #lock} together with the job records. */
    private final MVMap<String, Long> unfinished;

    private final Object lock = new Object();
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService eventThread;
    private final ScheduledExecutorService cleanupThread;
    private final WebhookOutboxSink webhooks;

    EmbeddedJobStore(Path dataDir, Clock clock, Duration cleanupInterval) {
        this(dataDir, clock, cleanupInterval, WebhookOutboxSink.NONE);
    }

    /** @param webhooks takes the webhook events of transitions, under the write lock */
    EmbeddedJobStore(Path dataDir, Clock clock, Duration cleanupInterval, WebhookOutboxSink webhooks) {
        this.webhooks = webhooks;
        this.file = dataDir.resolve("jobs.mv.db");
        this.clock = clock;
        this.store = open(file);
        this.jobs = store.openMap("jobs");
        this.idempotency = store.openMap("idempotency");
        this.timers = store.openMap("timers");
        this.timerOf = store.openMap("timerOf");
        this.tenants = store.openMap("tenants");
        this.expiries = store.openMap("expiries");
        this.unfinished = store.openMap("unfinished");
        this.eventThread = Executors.newSingleThreadExecutor(daemon("offload-store-events"));
        this.cleanupThread = Executors.newSingleThreadScheduledExecutor(daemon("offload-store-cleanup"));
        long every = cleanupInterval.toMillis();
        cleanupThread.scheduleWithFixedDelay(this::cleanUpSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private static MVStore open(Path file) {
        try {
            return new MVStore.Builder().fileName(file.toString()).open();
        } catch (MVStoreException e) {
            throw new IllegalStateException(
                    "cannot open the job store " + file + " (is another Offload process" + " using this --data-dir?): "
                            + e.getMessage(),
                    e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return Thread.ofPlatform().daemon().name(name).factory();
    }

    @Override
    public CreateResult create(Job job, Duration idempotencyTtl) {
        String key = job.spec().idempotencyKey();
        requireKeyShard(job, key);
        Job stored = job.withVersion(1);
        synchronized (lock) {
            Instant now = clock.instant();
            if (key != null) {
                Optional<Job> existing = existingFor(idempotencyKey(job.tenant(), key), now);
                if (existing.isPresent()) {
                    return new CreateResult.Duplicate(existing.get());
                }
            }
            if (live(jobs.get(job.id()), now).isPresent()) {
                throw new IllegalStateException("job " + job.id() + " already exists");
            }
            remove(job.id()); // an expired record under the same id, not yet cleaned up
            put(stored);
            countUnfinished(job.tenant(), 1);
            if (key != null) {
                long expiresAt = now.plus(idempotencyTtl).toEpochMilli();
                idempotency.put(idempotencyKey(job.tenant(), key), expiresAt + ":" + job.id());
            }
            commit(true);
            // No event, as on Redis: nobody can be waiting for a job whose id has not been returned yet.
        }
        return new CreateResult.Created(stored);
    }

    /** Same rule as the Redis store, so that both behave alike under the contract tests. */
    private static void requireKeyShard(Job job, String idempotencyKey) {
        if (idempotencyKey != null && JobId.shardOf(job.id()) != JobId.shardFor(job.tenant(), idempotencyKey)) {
            throw new IllegalArgumentException("job " + job.id() + " has an idempotency key but is not in its shard;"
                    + " create the id with JobId.next(now, JobId.shardFor(tenant, idempotencyKey))");
        }
    }

    private Optional<Job> existingFor(String idempotencyKey, Instant now) {
        String entry = idempotency.get(idempotencyKey);
        if (entry == null) {
            return Optional.empty();
        }
        int colon = entry.indexOf(':');
        if (Long.parseLong(entry.substring(0, colon)) <= now.toEpochMilli()) {
            return Optional.empty();
        }
        return live(jobs.get(entry.substring(colon + 1)), now);
    }

    @Override
    public Optional<Job> find(String id) {
        return live(jobs.get(id), clock.instant());
    }

    @Override
    public Optional<Job> compareAndSet(Job current, Job next) {
        if (!current.id().equals(next.id())) {
            throw new IllegalArgumentException("compareAndSet of job " + current.id() + " got job " + next.id());
        }
        Job stored = next.withVersion(current.version() + 1);
        synchronized (lock) {
            Optional<Job> existing = live(jobs.get(current.id()), clock.instant());
            if (existing.isEmpty() || existing.get().version() != current.version()) {
                return Optional.empty();
            }
            unindex(existing.get());
            put(stored);
            boolean wasFinished = existing.get().state().isTerminal();
            if (wasFinished != stored.state().isTerminal()) {
                countUnfinished(stored.tenant(), wasFinished ? 1 : -1);
            }
            commit(stored.state().isTerminal());
            emit(stored);
            String webhookEvent = WebhookEventType.of(current, stored);
            if (webhookEvent != null && (stored.spec().callbackUrl() != null || webhooks.wants(stored.tenant()))) {
                webhooks.append(webhookEvent, stored);
            }
        }
        return Optional.of(stored);
    }

    @Override
    public boolean confirmPublished(Job queued) {
        synchronized (lock) {
            Optional<Job> existing = live(jobs.get(queued.id()), clock.instant());
            if (existing.isEmpty() || existing.get().version() != queued.version()) {
                return false;
            }
            removeTimers(queued.id());
            // Not forced to disk: if the removal is lost, the scheduler publishes the job once more after
            // jobs.publishGrace, and the duplicate message finds the job claimed or finished.
            commit(false);
        }
        return true;
    }

    @Override
    public boolean abandon(Job current) {
        synchronized (lock) {
            Optional<Job> existing = live(jobs.get(current.id()), clock.instant());
            if (existing.isEmpty()
                    || existing.get().version() != current.version()
                    || existing.get().published()) {
                return false;
            }
            remove(current.id());
            commit(true);
        }
        return true;
    }

    @Override
    public long unfinished(String tenant) {
        return unfinished.getOrDefault(tenant, 0L);
    }

    private void countUnfinished(String tenant, long change) {
        long count = unfinished.getOrDefault(tenant, 0L) + change;
        if (count > 0) {
            unfinished.put(tenant, count);
        } else {
            unfinished.remove(tenant);
        }
    }

    @Override
    public JobPage list(String tenant, JobQuery query) {
        Objects.requireNonNull(tenant, "tenant");
        JobCursor after = query.cursor() == null ? null : JobCursor.decode(query.cursor());
        String prefix = tenant + SEPARATOR;
        String start =
                after == null ? prefix + Character.MAX_VALUE : prefix + indexKey(after.createdAtMillis(), after.id());
        Instant now = clock.instant();
        List<Job> found = new ArrayList<>();
        Iterator<String> keys = tenants.keyIteratorReverse(start);
        while (keys.hasNext() && found.size() <= query.limit()) {
            String key = keys.next();
            if (!key.startsWith(prefix)) {
                break;
            }
            String id = key.substring(key.lastIndexOf(':') + 1);
            if (after != null && id.equals(after.id())) {
                continue; // the cursor's own entry: it was the last of the previous page
            }
            live(jobs.get(id), now).filter(job -> matches(job, query)).ifPresent(found::add);
        }
        if (found.size() <= query.limit()) {
            return new JobPage(found, null);
        }
        List<Job> page = found.subList(0, query.limit());
        Job last = page.get(page.size() - 1);
        return new JobPage(page, new JobCursor(last.createdAt().toEpochMilli(), last.id()).encode());
    }

    private static boolean matches(Job job, JobQuery query) {
        return (query.state() == null || job.state() == query.state())
                && (query.type() == null || job.spec().type().equals(query.type()))
                && (query.queue() == null || job.spec().queue().equals(query.queue()));
    }

    @Override
    public List<String> claimDue(Instant now, int limit, Duration hold) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        List<String> claimed = new ArrayList<>();
        synchronized (lock) {
            List<String> due = new ArrayList<>();
            Iterator<String> keys = timers.keyIterator(null);
            while (keys.hasNext() && due.size() < limit) {
                String key = keys.next();
                if (millisOf(key) > now.toEpochMilli()) {
                    break;
                }
                due.add(key);
            }
            String holdUntil = indexKey(now.plus(hold).toEpochMilli(), "");
            Instant wallClock = clock.instant();
            for (String key : due) {
                String id = key.substring(key.indexOf(':') + 1);
                timers.remove(key);
                timerOf.remove(id);
                if (live(jobs.get(id), wallClock).isPresent()) {
                    setTimer(id, holdUntil + id);
                    claimed.add(id);
                }
            }
            if (!due.isEmpty()) {
                commit(false);
            }
        }
        return claimed;
    }

    @Override
    public Subscription subscribe(Consumer<JobEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void ping() {
        if (store.isClosed()) {
            throw new IllegalStateException("the job store " + file + " is closed");
        }
    }

    @Override
    public void close() {
        cleanupThread.shutdownNow();
        eventThread.shutdown();
        synchronized (lock) {
            if (!store.isClosed()) {
                store.close();
            }
        }
    }

    // ---- records and indexes (callers hold the lock) -------------------------------------------------------------

    private void put(Job job) {
        jobs.put(job.id(), Json.toString(job));
        tenants.put(job.tenant() + SEPARATOR + indexKey(job.createdAt().toEpochMilli(), job.id()), "");
        expiries.put(indexKey(job.expiresAt().toEpochMilli(), job.id()), "");
        Instant deadline = job.deadline();
        if (deadline != null) {
            setTimer(job.id(), indexKey(deadline.toEpochMilli(), job.id()));
        }
    }

    private void setTimer(String id, String key) {
        timers.put(key, "");
        timerOf.put(id, key);
    }

    /** Drops the timer and expiry entries of a record about to be replaced (they may change with the record). */
    private void unindex(Job job) {
        expiries.remove(indexKey(job.expiresAt().toEpochMilli(), job.id()));
        removeTimers(job.id());
    }

    /** The job's timer, wherever {@link #claimDue} may have moved it. */
    private void removeTimers(String id) {
        String key = timerOf.remove(id);
        if (key != null) {
            timers.remove(key);
        }
    }

    private void remove(String id) {
        String doc = jobs.remove(id);
        if (doc == null) {
            return;
        }
        Job job = Json.fromString(doc, Job.class);
        unindex(job);
        if (!job.state().isTerminal()) {
            countUnfinished(job.tenant(), -1); // abandoned, or expired before it finished
        }
        tenants.remove(job.tenant() + SEPARATOR + indexKey(job.createdAt().toEpochMilli(), id));
        String key = job.spec().idempotencyKey();
        if (key != null) {
            String entry = idempotency.get(idempotencyKey(job.tenant(), key));
            if (entry != null && entry.endsWith(":" + id)) {
                idempotency.remove(idempotencyKey(job.tenant(), key));
            }
        }
    }

    private Optional<Job> live(String doc, Instant now) {
        if (doc == null) {
            return Optional.empty();
        }
        Job job = Json.fromString(doc, Job.class);
        return job.expiresAt().isAfter(now) ? Optional.of(job) : Optional.empty();
    }

    private void commit(boolean force) {
        store.commit();
        if (force) {
            store.sync();
        }
    }

    /** Queued under the lock, so events keep the write order; run on the event thread, outside the lock. */
    private void emit(Job job) {
        JobEvent event = JobEvent.of(job);
        eventThread.execute(() -> listeners.forEach(listener -> {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("job event listener failed for job {}", event.jobId(), e);
            }
        }));
    }

    // ---- cleanup ------------------------------------------------------------------------------------------------

    private void cleanUpSafely() {
        try {
            cleanUp();
        } catch (RuntimeException e) {
            LOG.warn("cleanup of expired jobs in {} failed; retrying later", file, e);
        }
    }

    void cleanUp() {
        synchronized (lock) {
            if (store.isClosed()) {
                return;
            }
            long now = clock.millis();
            List<String> expired = new ArrayList<>();
            Iterator<String> keys = expiries.keyIterator(null);
            while (keys.hasNext()) {
                String key = keys.next();
                if (millisOf(key) > now) {
                    break;
                }
                expired.add(key.substring(key.indexOf(':') + 1));
            }
            expired.forEach(this::remove);
            List<String> staleKeys = new ArrayList<>();
            idempotency.forEach((key, entry) -> {
                if (Long.parseLong(entry.substring(0, entry.indexOf(':'))) <= now) {
                    staleKeys.add(key);
                }
            });
            staleKeys.forEach(idempotency::remove);
            if (!expired.isEmpty() || !staleKeys.isEmpty()) {
                commit(false);
            }
        }
    }

    // ---- key encoding -------------------------------------------------------------------------------------------

    /** Fixed-width millis then id, so that string order is time order. */
    private static String indexKey(long millis, String id) {
        return String.format("%019d:%s", millis, id);
    }

    private static long millisOf(String indexKey) {
        return Long.parseLong(indexKey.substring(0, indexKey.indexOf(':')));
    }

    private static String idempotencyKey(String tenant, String key) {
        return tenant + SEPARATOR + key;
    }
}
