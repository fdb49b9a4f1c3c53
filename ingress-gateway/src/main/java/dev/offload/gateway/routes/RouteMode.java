package dev.offload.gateway.routes;

/** How a route answers: proxied at once ({@code sync}) or captured as a job that a worker replays ({@code async}). */
public enum RouteMode {
    SYNC,
    ASYNC
}
