package dev.offload.gateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Reads a body whole if it has at most {@code limit} bytes. If more arrive, reading stops at once: the stream is
 * paused with its handlers unset, and the result carries the bytes read so far and the stream, so that the caller
 * can send the prefix and pipe the rest without having held the whole body. Runs on the stream's context.
 *
 * @param prefix the body (complete) or its first bytes
 * @param rest {@code null} if {@code prefix} is the whole body, else the paused stream delivering the remainder
 */
record BoundedBody(Buffer prefix, ReadStream<Buffer> rest) {

    boolean complete() {
        return rest == null;
    }

    static Future<BoundedBody> read(ReadStream<Buffer> stream, long limit) {
        Promise<BoundedBody> read = Promise.promise();
        Buffer collected = Buffer.buffer();
        stream.exceptionHandler(read::tryFail);
        stream.endHandler(done -> read.tryComplete(new BoundedBody(collected, null)));
        stream.handler(chunk -> {
            collected.appendBuffer(chunk);
            if (collected.length() > limit) {
                stream.pause();
                stream.handler(null);
                stream.endHandler(null);
                stream.exceptionHandler(null);
                read.tryComplete(new BoundedBody(collected, stream));
            }
        });
        stream.resume();
        return read.future();
    }
}
