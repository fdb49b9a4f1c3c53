package dev.offload.webhooks.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.model.Job;
import dev.offload.model.JobDocument;
import dev.offload.model.Json;
import dev.offload.webhooks.Delivery;
import dev.offload.webhooks.EventTypes;
import dev.offload.webhooks.OutboxEvent;
import dev.offload.webhooks.WebhookEndpoint;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a job event into its deliveries: one per endpoint of the tenant that wants it, plus one to the job's
 * {@code callbackUrl}. Ids derive from the outbox entry, so planning the same event twice gives the same deliveries
 * (and the store creates them once). Stateless and thread-safe.
 */
final class DeliveryPlanner {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeliveryPlanner() {}

    static List<Delivery> plan(OutboxEvent event, List<WebhookEndpoint> endpoints, Instant now) {
        Job job = Json.fromString(event.jobRecord(), Job.class);
        String body = body(event.type(), job.updatedAt(), JobDocument.of(job));
        String traceparent = childOf(job.spec().traceparent());
        String base = "dlv_" + event.shard() + "_" + event.entryId().replace('-', '_') + "_";
        List<Delivery> deliveries = new ArrayList<>();
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.wants(event.type(), job.spec().type())) {
                deliveries.add(Delivery.pending(
                        base + endpoint.id(),
                        event.messageId(),
                        job.tenant(),
                        endpoint.id(),
                        endpoint.url(),
                        job.id(),
                        event.type(),
                        body,
                        traceparent,
                        job.updatedAt(),
                        now));
            }
        }
        if (job.spec().callbackUrl() != null && EventTypes.CALLBACK.contains(event.type())) {
            deliveries.add(Delivery.pending(
                    base + "cb",
                    event.messageId(),
                    job.tenant(),
                    null,
                    job.spec().callbackUrl(),
                    job.id(),
                    event.type(),
                    body,
                    traceparent,
                    job.updatedAt(),
                    now));
        }
        return deliveries;
    }

    /** The payload: {@code {type, timestamp, data}} (schema {@code webhook-event.schema.json}). */
    static String body(String type, Instant timestamp, Object data) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", type);
        node.put("timestamp", timestamp.toString());
        node.set("data", Json.MAPPER.valueToTree(data));
        return Json.toString(node);
    }

    /** A W3C traceparent continuing the job's trace with a new span, or starting a new trace. */
    static String childOf(String parent) {
        byte[] span = new byte[8];
        RANDOM.nextBytes(span);
        String spanId = HexFormat.of().formatHex(span);
        if (parent != null && parent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
            return "00-" + parent.substring(3, 35) + "-" + spanId + "-01";
        }
        byte[] trace = new byte[16];
        RANDOM.nextBytes(trace);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + spanId + "-01";
    }
}
