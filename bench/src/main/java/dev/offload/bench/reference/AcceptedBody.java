package dev.offload.bench.reference;

import io.vertx.core.buffer.Buffer;

/** The 202 body of the reference servers: a JSON object padded to the size of an Offload job document. Pure. */
final class AcceptedBody {

    private AcceptedBody() {}

    /** A JSON object of exactly {@code size} bytes (at least 32). It carries no job id: there is no job. */
    static Buffer of(int size) {
        String head = "{\"state\":\"queued\",\"pad\":\"";
        String tail = "\"}";
        int pad = Math.max(0, size - head.length() - tail.length());
        return Buffer.buffer(head + "x".repeat(pad) + tail);
    }
}
