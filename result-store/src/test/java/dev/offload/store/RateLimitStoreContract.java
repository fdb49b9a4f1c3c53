package dev.offload.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.store.RateLimitStore.Admission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimitStore} must do; one subclass per implementation. */
public abstract class RateLimitStoreContract {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    protected RateLimitStore limits;

    protected abstract RateLimitStore openLimits();

    @BeforeEach
    void open() {
        limits = openLimits();
    }

    @AfterEach
    void close() {
        limits.close();
    }

    private static String bucket() {
        return "test:" + UUID.randomUUID();
    }

    @Test
    void fullQuotaIsAdmittedAtOnceAndTheNextRequestIsRefused() {
        String bucket = bucket();
        List<Long> remaining = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Admission admission = limits.admit(bucket, 5, MINUTE);
            assertThat(admission.admitted()).isTrue();
            remaining.add(admission.remaining());
        }

        Admission refused = limits.admit(bucket, 5, MINUTE);

        assertThat(remaining).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.remaining()).isZero();
        // One unit comes back every window / limit = 12 s; the whole quota after about a minute.
        assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(12));
        assertThat(refused.reset()).isBetween(Duration.ofSeconds(55), MINUTE);
    }

    @Test
    void unitsComeBackAtTheRateOfTheLimit() throws InterruptedException {
        String bucket = bucket();
        Duration window = Duration.ofMillis(400); // 2 per 400 ms: one unit back every 200 ms
        limits.admit(bucket, 2, window);
        limits.admit(bucket, 2, window);
        assertThat(limits.admit(bucket, 2, window).admitted()).isFalse();

        Thread.sleep(450); // the quota is full again once a whole window passed (a wait on the store's own clock)

        assertThat(limits.admit(bucket, 2, window).admitted()).isTrue();
    }

    @Test
    void concurrentCallersTakeExactlyTheLimit() throws Exception {
        String bucket = bucket();
        List<Future<Admission>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                calls.add(threads.submit(() -> limits.admit(bucket, 50, MINUTE)));
            }
        }

        long admitted = 0;
        for (Future<Admission> call : calls) {
            admitted += call.get().admitted() ? 1 : 0;
        }

        assertThat(admitted).isEqualTo(50);
    }

    @Test
    void bucketsAreIndependent() {
        String first = bucket();
        limits.admit(first, 1, MINUTE);

        assertThat(limits.admit(first, 1, MINUTE).admitted()).isFalse();
        assertThat(limits.admit(bucket(), 1, MINUTE).admitted()).isTrue();
    }
}
