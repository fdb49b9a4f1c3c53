package dev.offload.webhooks.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.model.Job;
import dev.offload.model.JobId;
import dev.offload.model.JobSpec;
import dev.offload.model.Json;
import dev.offload.model.Progress;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.WebhookConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryWebhookStoreTest {
    private final InMemoryWebhookStore store = new InMemoryWebhookStore(WebhookConfig.defaults(), Clock.systemUTC());

    @Test
    void anEventReadButNotRecordedIsReclaimedByAnotherConsumerAndARecordedOneIsNot() {
        Job job = running();
        store.append("job.succeeded", job);
        store.append("job.failed", job);
        List<OutboxEvent> read = store.readOutbox("dead", 10);

        store.recordOutbox(read.get(1), List.of());
        List<OutboxEvent> reclaimed = store.reclaimOutbox("alive", Duration.ZERO, 10);

        assertThat(read).hasSize(2);
        assertThat(reclaimed).containsExactly(read.get(0));
        assertThat(store.readOutbox("alive", 10)).isEmpty();
    }

    @Test
    void progressWaitsAsOneEventAndTheLatestRecordIsWhatGetsSent() {
        Job job = running();

        for (int percent = 1; percent <= 3; percent++) {
            store.append("job.progress", job.reportProgress(new Progress(percent, "step"), Instant.now()));
        }
        List<OutboxEvent> read = store.readOutbox("d", 10);
        store.clearProgressFlag(job.id());
        String latest = store.currentJobRecord(job.id()).orElseThrow();

        assertThat(read).hasSize(1);
        assertThat(Json.fromString(latest, Job.class).progress().percent()).isEqualTo(3);
    }

    private static Job running() {
        JobSpec spec = new JobSpec(
                "demo.echo",
                "default",
                0,
                JsonNodeFactory.instance.objectNode(),
                Map.of(),
                null,
                null,
                3,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                null,
                null);
        Instant now = Instant.now();
        return Job.queued(JobId.next(now), "tenant-a", spec, now, Duration.ofSeconds(5))
                .claim("worker", now, Duration.ofMinutes(1));
    }
}
