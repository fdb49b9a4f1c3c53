package dev.offload.model;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class JsonWarmUpTest {

    @Test
    void everyFormOfASampleJobReadsBackAsWritten() {
        // The warm-up checks each round trip itself and throws on a difference.
        assertThatCode(JsonWarmUp::run).doesNotThrowAnyException();
    }
}
