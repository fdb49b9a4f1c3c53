package dev.offload.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SendDeadlinesTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void anAnsweredSendKeepsItsOutcomeAndLeavesAtTheNextSweep() {
        SendDeadlines deadlines = new SendDeadlines(vertx, NEVER, NEVER);
        Promise<String> ok = Promise.promise();
        Promise<String> failed = Promise.promise();
        Future<String> first = deadlines.bound(ok.future());
        Future<String> second = deadlines.bound(failed.future());

        ok.complete("acked");
        failed.fail(new IllegalStateException("refused"));
        deadlines.sweep(System.nanoTime());

        assertThat(first.result()).isEqualTo("acked");
        assertThat(second.cause()).hasMessage("refused");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void theSweepStopsAtTheFirstSendStillWithinItsBound() {
        SendDeadlines deadlines = new SendDeadlines(vertx, NEVER, NEVER);
        Promise<Void> older = Promise.promise();
        Future<Void> bounded = deadlines.bound(older.future());
        Promise<Void> younger = Promise.promise();
        deadlines.bound(younger.future());
        younger.complete();

        deadlines.sweep(System.nanoTime());

        // The answered younger send waits behind the unanswered older one: the queue stays in deadline order.
        assertThat(deadlines.size()).isEqualTo(2);
        assertThat(bounded.isComplete()).isFalse();
        older.complete();
        deadlines.sweep(System.nanoTime());
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void anUnansweredSendFailsAfterItsBoundOnTheContextItWasMadeOn() throws Exception {
        SendDeadlines deadlines = new SendDeadlines(vertx, Duration.ofMillis(300), Duration.ofMillis(50));
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Context> failedOn = new CompletableFuture<>();
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        long start = System.nanoTime();
        caller.runOnContext(
                v -> deadlines.bound(Promise.<Void>promise().future()).onFailure(e -> {
                    failedOn.complete(Vertx.currentContext());
                    cause.complete(e);
                }));

        assertThat(cause.get(5, TimeUnit.SECONDS))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("the send was not answered within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(failedOn.get(5, TimeUnit.SECONDS)).isSameAs(caller);
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void closingFailsTheSendsStillUnanswered() throws Exception {
        SendDeadlines deadlines = new SendDeadlines(vertx, NEVER, NEVER);
        Future<Void> unanswered = deadlines.bound(Promise.<Void>promise().future());

        deadlines.close();

        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        unanswered.onFailure(cause::complete);
        assertThat(cause.get(5, TimeUnit.SECONDS))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("the send was not answered before the publisher closed");
    }
}
