package dev.offload.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.StoreUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StoreFailuresTest {
    @Test
    void aStoreOutageWrappedByACompletableFutureBecomesA503WithRetryAfter() {
        Future<Object> recovered =
                StoreFailures.translate(new CompletionException(new StoreUnavailableException("redis is down", null)));

        assertThat(recovered.failed()).isTrue();
        assertThat(recovered.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        });
    }

    @Test
    void anyOtherFailureIsUnwrappedAndPassedOnUnchanged() {
        IllegalStateException bug = new IllegalStateException("bug");

        assertThat(StoreFailures.translate(new CompletionException(bug)).cause())
                .isSameAs(bug);
        assertThat(StoreFailures.translate(bug).cause()).isSameAs(bug);
    }
}
