package dev.offload.worker.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.model.Json;
import dev.offload.worker.spi.JobContext;
import dev.offload.worker.spi.PermanentJobFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoHandlersTest {

    @Test
    void echoReturnsThePayload() {
        Context context = new Context("{\"a\":[1,2]}", 1);

        assertThat(new EchoHandler().handle(context)).isEqualTo(context.payload());
    }

    @Test
    void sleepSleepsAndReportsProgressUpToHundredPercent() throws Exception {
        Context context = new Context("{\"ms\":120}", 1);

        JsonNode result = new SleepHandler().handle(context);

        assertThat(result.path("sleptMs").asLong()).isEqualTo(120);
        assertThat(context.progress).isNotEmpty().last().isEqualTo(100);
    }

    @Test
    void sleepRejectsAPayloadWithoutMillisecondsAsPermanentFailure() {
        assertThatThrownBy(() -> new SleepHandler().handle(new Context("{\"ms\":\"soon\"}", 1)))
                .isInstanceOf(PermanentJobFailure.class)
                .hasMessageContaining("demo.sleep needs a payload {\"ms\": n}");
    }

    @Test
    void sleepIsInterruptible() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> new SleepHandler().handle(new Context("{\"ms\":60000}", 1)))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void failFailsRetryablyWithTheGivenMessage() {
        assertThatThrownBy(() -> new FailHandler().handle(new Context("{\"message\":\"nope\"}", 1)))
                .isInstanceOf(FailHandler.DemoFailure.class)
                .hasMessage("nope");
    }

    @Test
    void failWithPermanentThrowsPermanentFailure() {
        assertThatThrownBy(() -> new FailHandler().handle(new Context("{\"permanent\":true}", 1)))
                .isInstanceOf(PermanentJobFailure.class)
                .hasMessage("demo.fail failed as asked");
    }

    @Test
    void failWithFailAttemptsSucceedsOnTheAttemptAfterThem() throws Exception {
        FailHandler handler = new FailHandler();

        assertThatThrownBy(() -> handler.handle(new Context("{\"failAttempts\":2}", 2)))
                .isInstanceOf(FailHandler.DemoFailure.class);
        assertThat(handler.handle(new Context("{\"failAttempts\":2}", 3))
                        .path("attempt")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void failRejectsAMalformedPayloadAsPermanentFailure() {
        assertThatThrownBy(() -> new FailHandler().handle(new Context("{\"failAttempts\":-1}", 1)))
                .isInstanceOf(PermanentJobFailure.class)
                .hasMessageContaining("demo.fail takes a payload");
    }

    /** A minimal context; records progress percentages. */
    private static final class Context implements JobContext {
        private final JsonNode payload;
        private final int attempt;
        final List<Integer> progress = new ArrayList<>();

        Context(String payload, int attempt) {
            this.payload = Json.fromString(payload, JsonNode.class);
            this.attempt = attempt;
        }

        @Override
        public String jobId() {
            return "01J0000000000000000000000A";
        }

        @Override
        public String type() {
            return "demo";
        }

        @Override
        public JsonNode payload() {
            return payload;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public int maxAttempts() {
            return 3;
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void reportProgress(int percent, String message) {
            progress.add(percent);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Instant deadline() {
            return Instant.MAX;
        }
    }
}
