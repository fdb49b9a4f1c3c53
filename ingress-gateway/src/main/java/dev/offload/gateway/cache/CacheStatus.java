package dev.offload.gateway.cache;

import java.util.Locale;

/** How a response was obtained; sent to the client as {@code X-Cache}. */
public enum CacheStatus {
    /** Served from the cache without contacting the upstream (fresh, or shared from a concurrent identical miss). */
    HIT,
    /** Fetched from the upstream (nothing usable was stored, or the request or response is not cacheable). */
    MISS,
    /** The stored response was stale; the upstream confirmed it with 304, and it was served, refreshed. */
    STALE;

    /** The metric tag: {@code hit}, {@code miss}, {@code stale}. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
