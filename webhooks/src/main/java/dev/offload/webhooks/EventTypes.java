package dev.offload.webhooks;

import dev.offload.store.WebhookEventType;
import java.util.List;

/** The event types endpoints subscribe to, and the test event. Stateless. */
public final class EventTypes {
    /** {@code POST /v1/webhooks/{id}/test} sends this one; it needs no subscription. */
    public static final String TEST = "webhook.test";

    /** Every type an endpoint may subscribe to; {@code job.progress} is delivered only to endpoints that ask. */
    public static final List<String> SUBSCRIBABLE = List.of(
            WebhookEventType.SUCCEEDED,
            WebhookEventType.FAILED,
            WebhookEventType.CANCELLED,
            WebhookEventType.RETRYING,
            WebhookEventType.PROGRESS);

    /** What a per-job {@code callbackUrl} receives: every event of the job except progress. */
    public static final List<String> CALLBACK = List.of(
            WebhookEventType.SUCCEEDED, WebhookEventType.FAILED, WebhookEventType.CANCELLED, WebhookEventType.RETRYING);

    private EventTypes() {}
}
