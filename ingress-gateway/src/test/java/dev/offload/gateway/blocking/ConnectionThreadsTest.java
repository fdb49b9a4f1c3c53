package dev.offload.gateway.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionThreadsTest {

    @Test
    void callsUpToTheConnectionsRunOnPlatformThreadsAndTheRestOnVirtualThreadsAtOnce() throws Exception {
        try (ConnectionThreads threads = new ConnectionThreads("test-store", 2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> ranOn = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                threads.execute(() -> {
                    ranOn.add(Thread.currentThread());
                    started.countDown();
                    await(release);
                });
            }

            // All four run at once, none queued behind the two busy platform threads.
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn).filteredOn(Thread::isVirtual).hasSize(2);
            assertThat(ranOn)
                    .filteredOn(t -> !t.isVirtual())
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.getName()).startsWith("test-store-"));
            assertThat(threads.platformThreads()).isEqualTo(2);
            release.countDown();
        }
    }

    @Test
    void anIdlePlatformThreadIsReusedForTheNextCall() throws Exception {
        try (ConnectionThreads threads = new ConnectionThreads("test-store", 4)) {
            List<Thread> ranOn = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                CountDownLatch done = new CountDownLatch(1);
                threads.execute(() -> {
                    ranOn.add(Thread.currentThread());
                    done.countDown();
                });
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                // Let the thread go back to waiting for work before the next call is handed out.
                while (ranOn.getLast().getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
            }

            assertThat(ranOn)
                    .doesNotContainNull()
                    .allSatisfy(t -> assertThat(t.isVirtual()).isFalse());
            assertThat(threads.platformThreads()).isEqualTo(1);
        }
    }

    @Test
    void aClosedExecutorRunsNoNewCalls() {
        ConnectionThreads threads = new ConnectionThreads("test-store", 1);
        threads.close();

        assertThatThrownBy(() -> threads.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aClientWithoutConnectionsIsRejectedNamingTheCount() {
        assertThatThrownBy(() -> new ConnectionThreads("test-store", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connections must be at least 1, but was 0");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
